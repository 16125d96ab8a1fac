"""Write workflows: growing-area edits, lifecycle steps, uploads (`growing/`) and accounts,
each one transaction that sets who acts (`ntm.actor`) so the history says who."""
