"""Aisle's tools for other agent frameworks: ``langchain`` (LangChain ``StructuredTool``s).
Each integration imports its framework only when imported itself."""
