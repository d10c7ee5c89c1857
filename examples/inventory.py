"""A small module to try wisp's marked comments on: run M-x wisp-apply-comments."""


def restock(stock, item, count):
    # wisp: refuse a negative count with a ValueError
    stock[item] = stock.get(item, 0) + count
    return stock


def report(stock):
    return "\n".join(f"{item}: {count}" for item, count in stock.items())  # sort by item name AI!


def total(stock):
    # wisp: count only the items that are in stock,
    # i.e. ignore negative and zero counts
    return sum(stock.values())


if __name__ == "__main__":
    stock = restock({"pears": 2, "apples": -1}, "figs", 3)
    print(report(stock))
    print(total(stock))
