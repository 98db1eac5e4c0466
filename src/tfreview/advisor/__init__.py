"""The AI reviewer behind the Advisor port: builtin (offline), Bedrock, OpenAI-compatible, Anthropic."""
