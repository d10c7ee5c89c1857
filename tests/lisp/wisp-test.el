;;; wisp-test.el --- ERT tests for wisp.el against the real lamp  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-test.el: wisp-apply-comment end to end (real lamp, the fake upstream over HTTP), the
;; review buffer, applying, undo, stale buffers, cancel and error messages.

;; Environment:
;;   LAMP_TEST_SERVER      the lamp binary (required)
;;   LAMP_TEST_MODULE_DIR  the directory holding lamp-module.so
;;   LAMP_TEST_TRANSPORT   `module' or `elisp' (default `elisp')

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name))) nil t)

(ert-deftest wisp-comment-bounds-python-and-elisp ()
  "The comment block at point covers the whole block of line comments."
  (with-temp-buffer
    (insert "def f():\n    # first line\n    # second line\n    pass\n")
    (python-mode)
    (wisp-test--goto "second")
    (let ((b (wisp--comment-bounds)))
      (should (equal (buffer-substring (car b) (cdr b)) "# first line\n    # second line\n"))))
  (with-temp-buffer
    (insert "(defun g ())\n;; Write h.\n;; It adds.\n\n(provide 'x)\n")
    (emacs-lisp-mode)
    (wisp-test--goto "Write")
    (let ((b (wisp--comment-bounds)))
      (should (equal (buffer-substring (car b) (cdr b)) ";; Write h.\n;; It adds.\n"))))
  (with-temp-buffer
    (insert "x = 1\n")
    (python-mode)
    (should-not (wisp--comment-bounds))))

(ert-deftest wisp-python-end-to-end-apply-all-and-undo ()
  "Comment at point → diff in diff-mode → apply all → one undo restores it; disk untouched."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let* ((original (buffer-string))
           (path buffer-file-name)
           (on-disk (with-temp-buffer (insert-file-contents path) (buffer-string))))
      (buffer-enable-undo)
      (wisp-test--goto "# TODO")
      (call-interactively #'wisp-apply-comment)
      (let ((diff (wisp-test--diff-buffer-of (current-buffer))))
        (should diff)
        (with-current-buffer diff
          (should (derived-mode-p 'diff-mode))
          (should (string-prefix-p "--- a/fizzbuzz.py\n+++ b/fizzbuzz.py\n" (buffer-string)))
          (wisp-diff-apply-all))
        (should-not (buffer-live-p diff)))
      (should (string-match-p "if n % 15 == 0:\n        return \"FizzBuzz\"" (buffer-string)))
      (should-not (string-match-p "# TODO" (buffer-string)))
      (should (equal on-disk (with-temp-buffer (insert-file-contents path) (buffer-string))))
      (undo-boundary)
      (let ((last-command nil)) (undo))   ; one undo step takes the whole change back
      (should (equal (buffer-string) original)))))

(ert-deftest wisp-elisp-region-and-instruction ()
  "A region in an Emacs Lisp file, with an extra instruction, reaches the model."
  (wisp-test--start)
  (wisp-test--with-file "greet.el" #'emacs-lisp-mode
    (wisp-test--goto ";; Write")
    (let ((start (point)))
      (forward-line 2)
      (wisp-apply-comment start (point) "Keep it short."))
    (let ((diff (wisp-test--diff-buffer-of (current-buffer))))
      (should diff)
      (with-current-buffer diff (wisp-diff-apply-hunk)))
    (should (string-match-p "(defun greet (name)" (buffer-string)))
    (let* ((log (wisp-test--control "log"))
           (body (alist-get 'body (car (alist-get 'requests log))))
           (prompt (prin1-to-string (alist-get 'messages body))))
      (should (string-match-p "Keep it short\\." prompt))
      (should (string-match-p "emacs-lisp" prompt)))))

(ert-deftest wisp-stale-buffer-is-refused-unless-the-hunk-still-applies ()
  "Editing the hunk's text after the request makes applying fail with a clear message."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--goto "# TODO")
    (call-interactively #'wisp-apply-comment)
    (let ((diff (wisp-test--diff-buffer-of (current-buffer))))
      (should diff)
      ;; An edit far from the hunk: still applies exactly.
      (save-excursion (goto-char (point-max)) (insert "# appended\n"))
      (with-current-buffer diff
        (let ((copy (buffer-string)))
          ;; An edit inside the hunk: refused.
          (with-current-buffer wisp--source
            (save-excursion (wisp-test--goto "pass") (insert "x = 1; ")))
          (should-error (wisp-diff-apply-all) :type 'user-error)
          (should (equal copy (buffer-string))))
        (wisp-diff-quit))
      (should (string-match-p "x = 1; pass" (buffer-string))))))

(ert-deftest wisp-two-buffers-in-flight-get-their-own-diffs ()
  "Two requests at once: each source buffer gets its own diff buffer."
  (wisp-test--start)
  (wisp-test--control "default" '((delay_ms . 300)))
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((py (current-buffer)))
      (wisp-test--goto "# TODO")
      (call-interactively #'wisp-apply-comment)
      (wisp-test--with-file "greet.el" #'emacs-lisp-mode
        (wisp-test--goto ";; Write")
        (call-interactively #'wisp-apply-comment)
        (let ((d1 (wisp-test--diff-buffer-of py))
              (d2 (wisp-test--diff-buffer-of (current-buffer))))
          (should (and d1 d2 (not (eq d1 d2))))
          (should (string-match-p "fizzbuzz.py" (with-current-buffer d1 (buffer-string))))
          (should (string-match-p "greet.el" (with-current-buffer d2 (buffer-string))))
          (kill-buffer d1)
          (kill-buffer d2))))))

(ert-deftest wisp-cancel-stops-the-request ()
  "wisp-cancel ends the request and the upstream call."
  (wisp-test--start)
  (wisp-test--control "default" '((delay_ms . 20000)))
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--goto "# TODO")
    (call-interactively #'wisp-apply-comment)
    (should wisp--request)
    (should (wisp-test--wait (lambda () (equal wisp--stage "upstream"))))
    ;; The upstream call has reached the fake model (lamp may still be connecting to it).
    (should (wisp-test--wait (lambda () (alist-get 'requests (wisp-test--control "log")))))
    (wisp-cancel)
    (should-not wisp--request)
    (should (wisp-test--wait
             (lambda () (eq t (alist-get 'client_closed (car (alist-get 'requests (wisp-test--control "log")))))))))
  (wisp-test--control "default" '((delay_ms . 0))))

(ert-deftest wisp-server-errors-become-readable-messages ()
  "Errors name their cause and what to do."
  (should (string-match-p "rate limited"
                          (wisp--error-message '(lamp-rpc-error -32001 "Upstream HTTP 429" ((status . 429) (attempts . 5))))))
  (should (string-match-p "not configured.*OPENAI_API_KEY"
                          (wisp--error-message '(lamp-rpc-error -32005 "No API key" ((detail . "OPENAI_API_KEY is not set"))))))
  (should (string-match-p "no usable edit" (wisp--error-message '(lamp-rpc-error -32004 "x" ((detail . "no block"))))))
  (should (string-match-p "cannot reach lamp" (wisp--error-message '(lamp-connection-error nil "refused" nil))))
  ;; End to end: the provider refuses the key.
  (wisp-test--start)
  (wisp-test--control "enqueue" '((status . 401) (json . ((error . ((message . "Incorrect API key")))))))
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--goto "# TODO")
    (call-interactively #'wisp-apply-comment)
    (should (wisp-test--wait (lambda () (null wisp--request))))
    (should (string-match-p "HTTP 401.*Incorrect API key"
                            (with-current-buffer "*Messages*" (buffer-string))))))

(ert-deftest wisp-non-ascii-buffer ()
  "Positions are characters: a buffer full of multibyte text still patches right."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (goto-char (point-min))
    (insert "# café ☕ 😀 — ünïcode\n")
    (wisp-test--goto "# TODO")
    (call-interactively #'wisp-apply-comment)
    (let ((diff (wisp-test--diff-buffer-of (current-buffer))))
      (should diff)
      (with-current-buffer diff (wisp-diff-apply-all)))
    (should (string-prefix-p "# café ☕ 😀 — ünïcode\n" (buffer-string)))
    (should (string-match-p "return \"FizzBuzz\"" (buffer-string)))))

(ert-deftest wisp-auth-source-key-goes-to-the-environment ()
  "Without OPENAI_API_KEY, an auto-started lamp gets the key auth-source has for the API host."
  (let* ((netrc (make-temp-file "wisp-netrc" nil nil
                                "machine api.example.test login apikey password sk-from-netrc\n"))
         (auth-sources (list netrc))
         (process-environment (cons "OPENAI_BASE_URL=https://api.example.test/v1"
                                    (cl-remove-if (lambda (e) (string-prefix-p "OPENAI_" e))
                                                  process-environment))))
    (unwind-protect
        (progn
          (auth-source-forget-all-cached)
          (should (equal (wisp--auth-source-environment) '("OPENAI_API_KEY=sk-from-netrc")))
          (should (member #'wisp--auth-source-environment lamp-server-environment-functions))
          (let ((process-environment (cons "OPENAI_API_KEY=sk-set" process-environment)))
            (should-not (wisp--auth-source-environment))))
      (delete-file netrc))))

(provide 'wisp-test)
;;; wisp-test.el ends here
