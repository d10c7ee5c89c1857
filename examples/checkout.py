"""Try wisp's project context: M-x wisp-context-add in pricing.py, then C-c w on the TODO below."""

from pricing import price_with_tax


def receipt(items):
    lines = [f"{name}: {price:.2f}" for name, price in items]
    # TODO: end with a total line at the tax rate given to receipt (default 20%), using pricing.price_with_tax
    return "\n".join(lines)


if __name__ == "__main__":
    print(receipt([("tea", 3.5), ("cake", 4.0)]))
