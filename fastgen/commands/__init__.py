"""One module per command: each turns its arguments into an `Outcome` (a plan of file changes
and what to tell the user), without printing or prompting. The CLI applies and reports it."""
