"""A small module to try wisp on: select the TODO comment and run M-x wisp-apply-comment."""


def fizzbuzz(n):
    # TODO: return "Fizz" for multiples of 3, "Buzz" for multiples of 5,
    # "FizzBuzz" for multiples of both, and the number as a string otherwise.
    pass


if __name__ == "__main__":
    print([fizzbuzz(i) for i in range(1, 16)])
