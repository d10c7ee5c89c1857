;;; greet.el --- A small file to try wisp on  -*- lexical-binding: t; -*-

;; Write a function `greet' that takes a NAME and returns "Hello, NAME!",
;; using "world" when NAME is nil or empty.

(provide 'greet)
;;; greet.el ends here
