"""Custom NLU graph components registered with Rasa's DefaultV1Recipe."""
