"""The lowest floor: helpers every app may use (ids, stored text, JSON input, forms, the API conventions). Imports no app."""
