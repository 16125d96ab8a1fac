"""`python -m api.cli …`, as the `ntm-map` script."""
from api.cli import main

main()
