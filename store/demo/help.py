"""The demo shop's help-center articles: shipping, orders, returns, refunds, payments, account.

Written in the project's own words and consistent with the retail rules the assistant enforces
(the same rules as tau2-bench's retail policy): only pending orders can be cancelled or changed,
only delivered orders can be returned or exchanged, item changes and exchanges happen once per
order and stay within the same product, and refunds reach gift cards immediately and other
methods in 5-7 business days. Shipping times and warranty terms are the demo shop's own.

Not here: the agent's policy prompt (``assistant``), or articles of an imported shop.
"""

from __future__ import annotations

from store.demo.catalog import DEMO_AS_OF
from store.models import HelpArticle

# (article_id, title, topic, markdown body)
_ARTICLES: tuple[tuple[str, str, str, str], ...] = (
    (
        "shipping-options",
        "Shipping options and delivery times",
        "shipping",
        """\
We ship to addresses in all 50 US states. Most orders leave our warehouse within one business day.

| Method | Delivery time | Cost |
|---|---|---|
| Standard | 3-5 business days | Free on orders of $35 or more, otherwise $5.99 |
| Expedited | 2 business days | $12.99 |
| Next day | 1 business day (order by 1 pm ET) | $24.99 |

Delivery times start when the order is processed, not when it is placed. Large items such as
standing desks and office chairs ship by standard delivery only. PO boxes receive standard
delivery only.

If an order contains items from different warehouses it may arrive in more than one package;
each package has its own tracking number.""",
    ),
    (
        "order-tracking",
        "Tracking your order",
        "shipping",
        """\
Once your order has been processed you will get an email with a tracking number for each
package. You can also ask the assistant for the status of an order after verifying your identity.

- **Pending**: we have your order and it has not been prepared for shipping yet.
- **Processed**: it has been packed and handed to the carrier; tracking is available.
- **Delivered**: the carrier has confirmed delivery.

If tracking shows a package as delivered but you cannot find it, check with neighbours and your
building's mail room first, then contact us and a support agent will look into it.""",
    ),
    (
        "order-status",
        "What each order status means",
        "orders",
        """\
Your order's status decides what can still be done with it.

- **Pending**: not yet shipped. You can cancel it, change the shipping address, change the
  payment method, or change item options (size, color and so on).
- **Processed**: on its way. It can no longer be cancelled or changed; once it is delivered you
  can return or exchange items.
- **Delivered**: you can request a return or an exchange.
- **Cancelled**: the order was cancelled and refunded.
- **Pending (item modified)**: item options were changed. The order will ship as changed and can
  no longer be cancelled or changed again.
- **Return requested** / **Exchange requested**: we have emailed instructions for sending the
  items back.

To see the status of your orders, ask the assistant after verifying your identity, or open the
order confirmation email and follow the tracking link.""",
    ),
    (
        "cancel-order",
        "Cancelling an order",
        "cancellations",
        """\
You can cancel an order only while its status is **pending**. Once an order has been processed
it is with the carrier and cannot be stopped; wait for it to arrive and then request a return.

To cancel, tell us the order number and the reason. We accept two reasons:

- **No longer needed**
- **Ordered by mistake**

Cancellations for other reasons cannot be processed. A pending order is cancelled as a whole.

Before anything changes we read back the order and the reason, and we only go ahead after you
answer yes. The full amount is refunded to the original payment method: immediately for a gift
card, within 5-7 business days for a credit card or PayPal.""",
    ),
    (
        "change-shipping-address",
        "Changing the shipping address on an order",
        "order changes",
        """\
While an order is **pending** you can send it to a different address. Give us the order number
and the complete new address (street, apartment or suite if any, city, state, zip code and
country). We repeat the address back to you and update it once you confirm.

After an order has been processed the address can no longer be changed. If it is going to the
wrong place, wait for it to arrive or be returned to us, then request a return or an exchange.

Changing the address on an order does not change the default address saved in your account; you
can update that separately at any time.""",
    ),
    (
        "change-payment-method",
        "Changing the payment method on an order",
        "order changes",
        """\
While an order is **pending** you can pay for it with a different saved payment method. You
choose one payment method, and it must be different from the one used originally.

- Switching to a **gift card** is only possible if its balance covers the whole order total.
- The original payment is refunded once the change is made: immediately if it was a gift card,
  within 5-7 business days for a credit card or PayPal.

The order stays pending and ships as planned.""",
    ),
    (
        "change-items",
        "Changing the size, color or other options of items in an order",
        "order changes",
        """\
While an order is **pending** you can swap items for a different variant of the same product,
for example a different size or color, or more storage on the same laptop. You cannot change an
item into a different product.

- The new variant must be in stock.
- Item changes can be made **only once per order**, so tell us every item you want to change in
  one go. Please double-check the list before you confirm.
- After the change the order status becomes *pending (item modified)* and the order can no
  longer be cancelled or changed.
- If the new variant costs more or less, the difference is charged to or refunded to a payment
  method you choose. A gift card used for this must have enough balance to cover the
  difference.

Before submitting, we list every change and the price difference, and we only go ahead after you
answer yes. If you would rather change the product itself, cancel the pending order (if you no
longer need it) and place a new one.""",
    ),
    (
        "returns",
        "Returning delivered items",
        "returns",
        """\
You can return items from an order once its status is **delivered**. Tell us the order number
and exactly which items you want to send back; you can return some or all of them.

Choose where the refund should go: the original payment method, or a gift card already saved in
your account. We confirm the details with you before submitting the request.

After you confirm, the order status becomes *return requested* and we email you instructions for
packing and sending the items back. Orders that are still pending should be cancelled instead,
and orders that are processed but not yet delivered can be returned once they arrive.""",
    ),
    (
        "exchanges",
        "Exchanging an item for a different size, color or option",
        "exchanges",
        """\
If an item from a **delivered** order is not quite right, you can exchange it for another
variant of the same product, such as a different size, width or color. Exchanges cannot switch
to a different product type; return the item instead and order the one you want.

- The replacement variant must be available.
- An order can be exchanged **once**, so include every item you want to exchange in the same
  request.
- A price difference is charged to, or refunded to, a payment method you choose; a gift card
  must have enough balance to cover it.

After you confirm, the order status becomes *exchange requested* and we email you instructions
for sending the original items back. You do not need to place a new order.""",
    ),
    (
        "refunds",
        "Refunds: where your money goes and when",
        "refunds",
        """\
Refunds always go to a payment method in your account:

- **Cancelled orders** are refunded to the original payment method.
- **Returns** are refunded to the original payment method or to a gift card you already have.
- **Payment method changes** refund the original payment.
- **Exchanges and item changes** refund any price difference to the method you chose.

**Timing:** a refund to a gift card is available immediately. Refunds to a credit card or PayPal
take 5-7 business days to appear, depending on your bank. For returns, the refund is issued once
the items you send back reach us.""",
    ),
    (
        "payment-methods",
        "Accepted payment methods",
        "payments",
        """\
We accept three kinds of payment:

- **Credit cards** (Visa, Mastercard, American Express and Discover)
- **PayPal**
- **Gift cards** issued by our shop

You can save several payment methods in your account. Each order is paid with one payment method.
For security we never ask you for a full card number, a card security code or your PayPal
password in chat; saved methods are identified by their type and last four digits.""",
    ),
    (
        "gift-cards",
        "Gift cards and gift card balances",
        "payments",
        """\
Gift cards can pay for orders, receive refunds and cover price differences for exchanges and item
changes. Gift card balances do not expire.

- To pay a whole order with a gift card, or to switch an order's payment to one, the balance must
  cover the full amount.
- Refunds to a gift card are added to the balance immediately.
- You can ask the assistant for your current gift card balance after verifying your identity.

Gift cards cannot be exchanged for cash.""",
    ),
    (
        "warranty",
        "Product warranty",
        "warranty",
        """\
Every product we sell comes with a **1-year limited warranty** against defects in materials and
workmanship, starting on the delivery date. Some products are covered for longer:

- Laptops, tablets, smartphones and smartwatches: **2 years**
- Coffee makers, blenders and vacuum cleaners: **2 years**
- Office chairs and standing desks: **5 years** on the frame and mechanism, 2 years on
  upholstery and motors

The warranty does not cover normal wear and tear, accidental damage, misuse, or gradual battery
capacity loss. To make a claim, contact us with your order number, a description of the problem
and photos if you can; a support agent handles warranty claims and will arrange a repair or a
replacement.""",
    ),
    (
        "damaged-or-defective",
        "Damaged, defective or missing items",
        "warranty",
        """\
If an item arrives damaged or stops working, you have two options once the order is delivered:

- **Return** it for a refund to the original payment method or a gift card you have.
- **Exchange** it for another variant of the same product.

If the problem appears after some use, the product warranty may cover a repair or replacement.
If an item or a whole package is missing from a delivered order, contact us and a support agent
will investigate with the carrier.""",
    ),
    (
        "sign-in-and-verification",
        "Signing in and verifying your identity",
        "account",
        """\
Before we look at or change anything in an account, we confirm who you are. In chat, you can
verify with either:

- the **email address** on your account, or
- your **first and last name together with the zip code** of your address.

We ask for this even if you already know your user ID. One conversation serves one account: we
cannot look up or change another person's orders, even for family members.

If you cannot access your email or your details have changed, a support agent can help you
recover your account.""",
    ),
    (
        "account-details",
        "Updating your account and default address",
        "account",
        """\
After verifying your identity you can ask us to:

- show your profile, saved payment methods and gift card balances,
- list your orders and their status,
- update the **default address** used for new orders.

Updating the default address does not change orders you have already placed; pending orders
keep their own shipping address, which you can change separately.""",
    ),
    (
        "privacy",
        "Privacy and how we use your data",
        "privacy",
        """\
We use your account details, orders and browsing activity in our shop to deliver orders, provide
support and personalise recommendations. We do not sell your personal data.

- We share order and account information only with the verified account holder.
- We never ask for passwords or full card numbers in chat.
- Recommendations use what you viewed, bought and reviewed here; you can ask us why an item was
  recommended.

To request a copy of your data or to delete your account, contact a support agent.""",
    ),
    (
        "contact-support",
        "Talking to a support agent",
        "support",
        """\
The shopping assistant can help with product questions, order status, cancellations, address
and payment changes, returns and exchanges. For anything else, such as warranty claims, missing
packages, account recovery or data requests, it will transfer you to a support agent.

Every change the assistant makes is summarised first and only carried out after you reply yes,
and each change is made once. If something looks wrong, say no and nothing is changed.

When you are transferred, a support agent picks up the conversation with its history, so you do
not have to repeat yourself. Agents are available every day from 8 am to 10 pm ET.""",
    ),
)


def help_articles() -> list[HelpArticle]:
    """The demo help center, one row per article (stable ids and order)."""
    return [
        HelpArticle(article_id=aid, title=title, topic=topic, body=body, updated_at=DEMO_AS_OF)
        for aid, title, topic, body in _ARTICLES
    ]
