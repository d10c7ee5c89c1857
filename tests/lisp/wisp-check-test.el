;;; wisp-check-test.el --- Checked proposals as the user reviews them  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-check-test.el: lamp checks the proposed file before the review (docs/protocol.md,
;; Checks); C-c w typed on fizzbuzz.py against replies that break its Python: the diagnostic at
;; the top of the review and under its line, or the retry's fix and no diagnostic.

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window;
;; the diagnostics are overlays, so what the user sees is read with
;; their before- and after-strings (`wisp-check-test--visible').
;; Environment: see wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(defun wisp-check-test--reply (body)
  "A model reply replacing fizzbuzz.py's TODO comment and `pass' with BODY."
  (concat "Implemented fizzbuzz.\n\n<<<<<<< SEARCH\n"
          "    # TODO: return \"Fizz\" for multiples of 3, \"Buzz\" for multiples of 5,\n"
          "    # \"FizzBuzz\" for multiples of both, and the number as a string otherwise.\n"
          "    pass\n=======\n" body ">>>>>>> REPLACE\n"))

;; Line 7 of the result opens a parenthesis it never closes.
(defconst wisp-check-test--broken
  (wisp-check-test--reply "    if n % 15 == 0:\n        return \"FizzBuzz\"\n    return (str(n)\n"))
(defconst wisp-check-test--broken-again
  (wisp-check-test--reply "    if n % 15 == 0:\n        return \"FizzBuzz\"\n    return str(n\n"))
(defconst wisp-check-test--fixed
  (wisp-check-test--reply "    if n % 15 == 0:\n        return \"FizzBuzz\"\n    return str(n)\n"))

(defun wisp-check-test--visible (buffer)
  "BUFFER's text as displayed, with its overlays' before- and after-strings."
  (with-current-buffer buffer
    (let ((inserts nil))
      (dolist (o (overlays-in (point-min) (point-max)))
        (when (overlay-get o 'before-string)
          (push (cons (overlay-start o) (overlay-get o 'before-string)) inserts))
        (when (overlay-get o 'after-string)
          (push (cons (overlay-end o) (overlay-get o 'after-string)) inserts)))
      (setq inserts (sort inserts (lambda (a b) (< (car a) (car b)))))
      (let ((out "") (pos (point-min)))
        (pcase-dolist (`(,at . ,text) inserts)
          (setq out (concat out (buffer-substring-no-properties pos at) (substring-no-properties text))
                pos at))
        (concat out (buffer-substring-no-properties pos (point-max)))))))

(defun wisp-check-test--requests ()
  "The chat requests the fake upstream received since the last reset."
  (alist-get 'requests (wisp-test--control "log")))

(defun wisp-check-test--review (&rest replies)
  "Type C-c w on fizzbuzz.py's TODO with the model answering REPLIES in turn.
Return the review buffer."
  (wisp-test--control "enqueue" (apply #'vector (mapcar (lambda (r) `((content . ,r))) replies)))
  (wisp-test--request-review))

(ert-deftest wisp-check-broken-reply-shows-its-diagnostic ()
  "Both replies break Python: the review shows the first, its problem on top and under line 7."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (let* ((review (wisp-check-test--review wisp-check-test--broken wisp-check-test--broken-again))
           (seen (wisp-check-test--visible review)))
      (should (= (length (wisp-check-test--requests)) 2))
      ;; At the top, before the diff.
      (should (string-prefix-p "! line 7: '(' was never closed\n" seen))
      ;; Under the line it names, inside the hunk.
      (should (string-match-p (regexp-quote "+    return (str(n)\n! line 7: '(' was never closed\n") seen))
      (with-current-buffer review
        ;; The buffer itself is still the patch lamp sent.
        (should (string-prefix-p "--- a/fizzbuzz.py\n+++ b/fizzbuzz.py\n" (buffer-string)))
        (should (eq (get-text-property
                     0 'face (cl-some (lambda (o) (overlay-get o 'after-string))
                                      (overlays-in (point-min) (point-max))))
                    'wisp-diff-diagnostic))
        (should-not (wisp-test--type "q"))))))

(ert-deftest wisp-check-retry-fix-shows-no-diagnostic ()
  "A broken reply, then a fixed one: the review shows the fix and no diagnostic."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (let* ((review (wisp-check-test--review wisp-check-test--broken wisp-check-test--fixed))
           (seen (wisp-check-test--visible review))
           (requests (wisp-check-test--requests)))
      (should (= (length requests) 2))
      ;; The model was told what the checker said.
      (should (string-match-p "line 7: '(' was never closed"
                              (alist-get 'content (car (last (alist-get 'messages (alist-get 'body (nth 1 requests))))))))
      (should (string-match-p (regexp-quote "+    return str(n)\n") seen))
      (should-not (string-match-p "^! " seen))
      (should-not (string-match-p "never closed" seen))
      ;; And A applies the fix to the buffer.
      (let ((source (current-buffer)))
        (with-current-buffer review (should-not (wisp-test--type "A")))
        (with-current-buffer source
          (should (string-match-p "^    return str(n)$" (buffer-string))))))))

(provide 'wisp-check-test)
;;; wisp-check-test.el ends here
