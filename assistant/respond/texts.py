"""Every sentence the assistant composes, by name, in the shopper's language.

``say(language, name, **values)`` formats one template strictly: a missing value is an error,
so a template and its caller cannot drift apart. A language without a template of its own
uses the English one (the catalog is English-first; adding a language is adding a table).

Not here: choosing what to say (``assistant.respond``).
"""

from __future__ import annotations

from string import Formatter

EN: dict[str, str] = {
    # discovery
    "found": "{count} {what} {verb} {wishes}.",
    "found_top": "Here are the best {shown}:",
    "found_one": "Here it is:",
    "refined_cheaper": "Cheaper than the {baseline} one shown before:",
    "refined_dearer": "Dearer than the {baseline} one shown before:",
    "refined_better_rated": "Rated above {baseline} stars, the lowest rating shown before:",
    "refined_other_brand": "Leaving out {brands}:",
    "unknown_brand": "We don't carry {brands}, so these are from the brands we do have.",
    "unchecked": "I couldn't check {wishes}: this shop's listings don't record it as a detail "
    "I can filter on, so I used it only to rank the results.",
    "nothing_fits": "Nothing in the shop fits all of that ({asked}).",
    "nothing_fits_options": "These changes would find something:",
    "nothing_fits_none": "Even with one requirement relaxed nothing fits. Which of them "
    "matters least to you?",
    "not_sold": "Sorry, we don't sell {thing}.",
    "not_sold_brand": "Sorry, we don't carry {thing}.",
    "not_sold_options": "Here is what we do carry:",
    "not_sold_related": "These are the closest things we have:",
    "ask_category": "I can help with that. {question}",
    "ask_again": "Please pick one of these, or tell me what you would like instead:",
    "ask_department": "Happy to help you find something. {question}",
    "ask_attribute": "{count} {what} fit. {question}",
    "line": "{n}. {title} \u2014 {price}{rating}",
    "rating": " ({stars}\u2605, {count} {reviews})",
    "no_reviews": " (no reviews yet)",
    "described": "{ordinal}{title}: {price}{rating}.",
    "described_facts": "{facts}.",
    "praise": "Reviewers praise the {aspects}.",
    "complaints": "Some reviewers mention problems with the {aspects}.",
    "out_of_stock": "It is out of stock right now in the options you asked for.",
    # comparison
    "cheaper_by": "The {cheap} is {diff} cheaper than the {dear} ({low} vs {high}).",
    "same_price": "Both cost {price}.",
    "rated_higher": "The {better} is rated higher: {stars_a} stars from {count_a} reviews, "
    "against {stars_b} from {count_b}.",
    "same_rating": "Both are rated {stars} stars.",
    "differs_row": "{label}: {cells}.",
    "both_row": "Both: {label} {value}.",
    "praise_row": "Reviewers praise the {title} for its {aspects}.",
    # service
    "identify": "To help with your orders, I need to know who you are: please tell me the "
    "email on your account, or your first name, last name and zip code.",
    "identify_failed": "I couldn't find an account for {who}. Please check it, or tell me your "
    "first name, last name and zip code instead.",
    "orders_recent": "Your most recent orders:",
    "orders_status": "Here are your most recent orders and where they stand:",
    "orders_none": "You have no orders yet.",
    "orders_none_fit": "None of your orders is {wanted}, so there is nothing to {act}. "
    "Your most recent orders:",
    "order_line": "- {order_id}{placed}: {status}. {items}",
    "order_shown": "Order {order_id}{placed} is {status}.",
    "placed": ", placed {date},",
    "placed_line": ", placed {date}",
    "order_items": "Items: {items}.",
    "order_tracking": "Tracking: {tracking}.",
    "order_total": "Total: {total}.",
    "account": "Your account, {name}: payment methods: {methods}. Default address: {address}.",
    "ask_which_order": "{question}",
    "ask_reason": "{question}",
    "confirm": "Please confirm: {act}.",
    "confirm_ask": "Shall I go ahead?",
    "done": "Done. {what}",
    "already_done": "That's already done: {what}",
    "declined": "Okay, I haven't changed anything.",
    "address_needed": "What is the new address? Please write it like this: 123 Main St, "
    "Apt 4, Springfield, IL, 62704, USA.",
    # help, handoff, talk
    "help": "From our help center, \u201c{title}\u201d: {answer}",
    "help_none": "I couldn't find that in our help center. Would you like me to connect you "
    "with someone from our team?",
    "handoff": "I'm passing you to a person from our team, who will pick up this "
    "conversation shortly.",
    "greeting": "Hi! I can find products for you and say why they fit, or help with an order "
    "or a question about our policies. What are you looking for?",
    "thanks": "You're welcome! Is there anything else I can help with?",
    "nothing_pending": "There's nothing waiting for your confirmation right now. What can I "
    "help you with?",
    "unclear": "Sorry, I'm not sure what you need. I can find products (for example "
    "\u201crunning shoes under $90\u201d), help with an order, or answer a "
    "question about our policies.",
    # cart
    "cart_empty": "Your cart is empty.",
    "cart_header": "Your cart ({count} {units}):",
    "cart_line": "{n}. {quantity} \u00d7 {title}{options} \u2014 {total}",
    "cart_total": "Total: {total}.",
    "cart_added": "Added {quantity} \u00d7 {what} to your cart.",
    "cart_removed": "Removed {what} from your cart.",
    "cart_quantity": "You now have {quantity} \u00d7 {what} in your cart.",
    "cart_sold_out": "Sorry, {what} is sold out.",
    "cart_only_left": "Sorry, only {left} of {what} {verb} left.",
    "cart_no_variant": "The {title} doesn't come in {option} {wanted}; it comes in {values}.",
    "cart_summary": "Your cart now holds {count} {units}, {total} in all.",
    "cart_next": "Say \u201ccheck out\u201d when you're ready.",
    "checkout_link": "Your cart ({count} {units}, {total}) is ready at checkout: {url}",
    "cart_ask_option": "Which {option} would you like for the {title}?",
    "cart_ask_payment": "Which payment method would you like to use?",
    "cart_act": "place your order for {total}",
    "cart_confirm_ask": "Shall I place the order?",
    "cart_yes": "Yes, place order for {total}",
    "cart_no": "Not now",
    "cart_ship_to": "Ship to: {address}",
    "cart_payment": "Payment: {method}",
    "cart_gift_short": "Your gift card has {balance} left, which does not cover the order "
    "total of {total}. Which other payment method would you like to use?",
    "cart_no_method": "You have no {kind} on file. Which payment method would you like to use?",
    "cart_not_yours": "That payment method is not one of yours.",
    "cart_order_sold_out": "Sorry, {what}; nothing was ordered or charged.",
    "cart_changed": "Your cart changed since I showed you the order, so nothing was ordered "
    "or charged. Say \u201ccheck out\u201d to see the order again.",
    "cart_failed": "That could not be completed: {reason}.",
}

TEXTS: dict[str, dict[str, str]] = {"en": EN}


class TextError(KeyError):
    pass


def say(language: str, key: str, /, **values: object) -> str:
    table = TEXTS.get(language, EN)
    template = table.get(key) or EN[key]
    wanted = {field for _, field, _, _ in Formatter().parse(template) if field}
    if missing := wanted - values.keys():
        raise TextError(f"text {key!r} needs {sorted(missing)}")
    return template.format(**values)
