"""Sync engine: WB reviews, questions and chats into one prioritised `interactions` queue."""
