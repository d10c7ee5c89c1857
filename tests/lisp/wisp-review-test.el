;;; wisp-review-test.el --- The review buffer as a user meets it: keys, focus  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-review-test.el: every review key the README lists, typed into the read-only review buffer
;; (with and without evil), and where focus goes when the diff arrives; real lamp + fake upstream.

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window,
;; so a shadowed key map or an unselected window shows up as the
;; wrong outcome, as it would for a user.  Environment: see
;; wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(defconst wisp-review-test--two-hunks
  (concat "Two separate edits.\n\n"
          "<<<<<<< SEARCH\n"
          "\"\"\"A small module to try wisp on: select the TODO comment and run M-x wisp-apply-comment.\"\"\"\n"
          "=======\n"
          "\"\"\"FizzBuzz, to try wisp on.\"\"\"\n"
          ">>>>>>> REPLACE\n\n"
          "<<<<<<< SEARCH\n"
          "    print([fizzbuzz(i) for i in range(1, 16)])\n"
          "=======\n"
          "    print([fizzbuzz(i) for i in range(1, 31)])\n"
          ">>>>>>> REPLACE\n")
  "A model reply whose diff has two hunks, far apart in fizzbuzz.py.")

(defun wisp-review-test--on-header-p (header)
  "Non-nil when point is on the line HEADER in the selected window's buffer."
  (with-current-buffer (window-buffer (selected-window))
    (equal (buffer-substring (line-beginning-position) (line-end-position)) header)))

(defun wisp-review-test--hunk-headers ()
  "The @@ lines of the current buffer."
  (save-excursion
    (goto-char (point-min))
    (cl-loop while (re-search-forward "^@@ .*$" nil t) collect (match-string 0))))

(ert-deftest wisp-review-keys-are-wisps-in-the-read-only-buffer ()
  "Every documented key runs wisp's command in the review buffer as users get it."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (with-current-buffer (wisp-test--request-review)
      (should buffer-read-only)
      (pcase-dolist (`(,key . ,command)
                     '(("a" . wisp-diff-apply-hunk) ("C-c C-a" . wisp-diff-apply-hunk)
                       ("A" . wisp-diff-apply-all) ("k" . wisp-diff-reject-hunk)
                       ("r" . wisp-diff-rerun) ("R" . wisp-diff-refine) ("q" . wisp-diff-quit)
                       ("n" . diff-hunk-next) ("p" . diff-hunk-prev)))
        (should (eq (key-binding (kbd key)) command)))
      (wisp-test--type "q"))))

(ert-deftest wisp-review-typed-n-p-k-a ()
  "n and p move between hunks, k drops one, a applies one to the source."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (let* ((source (current-buffer))
           (original (buffer-string))
           (review (wisp-test--request-review wisp-review-test--two-hunks)))
      ;; The review window is selected: keys go to it.
      (should (eq (window-buffer (selected-window)) review))
      (let ((headers (with-current-buffer review (wisp-review-test--hunk-headers))))
        (should (= (length headers) 2))
        (wisp-test--type "n")
        (should (wisp-review-test--on-header-p (nth 1 headers)))
        (wisp-test--type "p")
        (should (wisp-review-test--on-header-p (nth 0 headers)))
        ;; k drops the first hunk; the source is untouched.
        (should-not (wisp-test--type "k"))
        (should (equal (with-current-buffer review (wisp-review-test--hunk-headers))
                       (list (nth 1 headers))))
        (should (equal (with-current-buffer source (buffer-string)) original))
        ;; a applies the second; nothing is left, so the review closes.
        (should-not (wisp-test--type "a"))
        (should-not (buffer-live-p review))
        (should (eq (window-buffer (selected-window)) source))
        (with-current-buffer source
          (should (string-match-p "range(1, 31)" (buffer-string)))
          (should (string-match-p "select the TODO comment" (buffer-string))))))))

(ert-deftest wisp-review-typed-C-c-C-a-q-A-r ()
  "C-c C-a applies one hunk and q quits; A applies everything; r asks again."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (let ((source (current-buffer)))
      (let ((review (wisp-test--request-review wisp-review-test--two-hunks)))
        (should-not (wisp-test--type "C-c C-a"))
        (should-not (wisp-test--type "q"))
        (should-not (buffer-live-p review))
        (should-not (wisp-test--review-window))
        (should (eq (window-buffer (selected-window)) source))
        (should (string-match-p "FizzBuzz, to try wisp on" (buffer-string)))
        (should (string-match-p "range(1, 16)" (buffer-string))))
      (revert-buffer t t)
      ;; A: every hunk, in the source buffer (diff-mode's A would prompt for a file to patch).
      (let ((review (wisp-test--request-review wisp-review-test--two-hunks)))
        (should-not (wisp-test--type "A"))
        (should-not (buffer-live-p review))
        (should (string-match-p "FizzBuzz, to try wisp on" (buffer-string)))
        (should (string-match-p "range(1, 31)" (buffer-string)))
        (should (equal (buffer-file-name) (buffer-file-name source)))
        (should (buffer-modified-p)))
      (revert-buffer t t)
      ;; r: the same comment goes to the model again, and a new review replaces the old one.
      (let* ((review (wisp-test--request-review wisp-review-test--two-hunks))
             (sent (length (alist-get 'requests (wisp-test--control "log")))))
        (should-not (wisp-test--type "r"))
        (should-not (buffer-live-p review))
        (should (wisp-test--diff-buffer-of source))
        (should (= (length (alist-get 'requests (wisp-test--control "log"))) (1+ sent)))
        (should (eq (window-buffer (selected-window)) (wisp-test--diff-buffer-of source)))
        (wisp-test--type "q")))))

(ert-deftest wisp-review-evil-keys ()
  "With evil, a, A, q, ]h and [h work in normal state in the review buffer."
  (let ((evil-dir (car (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/evil-*")))
        (goto-chg-dir (car (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/goto-chg-*"))))
    (unless (and evil-dir goto-chg-dir)
      (ert-skip "evil is not installed (Debian package elpa-evil)"))
    (add-to-list 'load-path evil-dir)
    (add-to-list 'load-path goto-chg-dir))
  (require 'evil)
  (wisp-test--start)
  (evil-mode 1)
  (unwind-protect
      (wisp-test--with-file "fizzbuzz.py" #'python-mode
        (wisp-test--show (current-buffer))
        (let* ((source (current-buffer))
               (review (wisp-test--request-review wisp-review-test--two-hunks))
               (headers (with-current-buffer review (wisp-review-test--hunk-headers))))
          (should (eq (buffer-local-value 'evil-state review) 'normal))
          (wisp-test--type "]h")
          (should (wisp-review-test--on-header-p (nth 1 headers)))
          (wisp-test--type "[h")
          (should (wisp-review-test--on-header-p (nth 0 headers)))
          (should-not (wisp-test--type "a"))
          (should (string-match-p "FizzBuzz, to try wisp on"
                                  (with-current-buffer source (buffer-string))))
          (should-not (wisp-test--type "q"))
          (should-not (buffer-live-p review))
          (revert-buffer t t)
          (setq review (wisp-test--request-review wisp-review-test--two-hunks))
          (should-not (wisp-test--type "A"))
          (should-not (buffer-live-p review))
          (should (string-match-p "range(1, 31)" (buffer-string)))))
    (evil-mode -1)))

(ert-deftest wisp-review-focus-follows-the-user ()
  "The review window is selected only when the user still looks at the source."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (let ((source (current-buffer)))
      ;; Still in the source: the review is selected, and typing A applies (no "A" in the code).
      (wisp-test--show source)
      (wisp-test--request-review)
      (should (eq (buffer-local-value 'major-mode (window-buffer (selected-window))) 'wisp-diff-mode))
      (should (string-match-p "a: apply hunk, A: apply all" (wisp-test--last-message)))
      (wisp-test--type "A")
      (should (string-match-p "return \"FizzBuzz\"" (buffer-string)))
      (should-not (string-match-p "^A" (buffer-string)))
      (revert-buffer t t)
      ;; `wisp-select-review-window' nil: shown, not selected; the message says how to get there.
      (let ((wisp-select-review-window nil))
        (wisp-test--show source)
        (let ((review (wisp-test--request-review)))
          (should (eq (window-buffer (selected-window)) source))
          (should (get-buffer-window review))
          (should (string-match-p "C-x o or M-x wisp-review" (wisp-test--last-message)))
          (wisp-test--type "C-x o")
          (should (eq (window-buffer (selected-window)) review))
          (wisp-test--type "q")))
      ;; Moved to another buffer meanwhile: focus stays there; M-x wisp-review goes to the review.
      (wisp-test--control "default" '((delay_ms . 400)))
      (unwind-protect
          (progn
            (wisp-test--show source)
            (wisp-test--goto "# TODO")
            (wisp-test--type "C-c w")
            (wisp-test--type "C-x b *scratch* RET")
            (should (equal (buffer-name (window-buffer (selected-window))) "*scratch*"))
            (should (wisp-test--diff-buffer-of source))
            (let ((review (wisp-test--diff-buffer-of source)))
              (should (equal (buffer-name (window-buffer (selected-window))) "*scratch*"))
              (should (get-buffer-window review))
              (should (string-match-p "M-x wisp-review shows the change for fizzbuzz.py"
                                      (wisp-test--last-message)))
              (wisp-test--type "M-x wisp-review RET")
              (should (eq (window-buffer (selected-window)) review))
              (wisp-test--type "q")))
        (wisp-test--control "default" '((delay_ms . 0))))
      ;; Nothing to review: a clear error.
      (should (equal (wisp-test--type "M-x wisp-review RET")
                     "Wisp: no change is waiting for review")))))

(ert-deftest wisp-review-typed-R-refines-with-a-note ()
  "R reads a note, asks again with the proposal and the note, and replaces the review."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (let* ((source (current-buffer))
           (original (buffer-string))
           (review (wisp-test--request-review wisp-review-test--two-hunks))
           (sent (length (alist-get 'requests (wisp-test--control "log")))))
      (should (eq (window-buffer (selected-window)) review))
      (should (string-match-p "range(1, 31)" (with-current-buffer review (buffer-string))))
      ;; The second answer follows the note: only the docstring changes.
      (wisp-test--control
       "enqueue"
       `((content . ,(concat "Only the docstring, as asked.\n\n<<<<<<< SEARCH\n"
                             "\"\"\"A small module to try wisp on: select the TODO comment and run M-x wisp-apply-comment.\"\"\"\n"
                             "=======\n\"\"\"FizzBuzz.\"\"\"\n>>>>>>> REPLACE\n"))))
      (should-not (wisp-test--type "R keep SPC the SPC range RET"))
      (wisp-test--wait (lambda () (with-current-buffer review
                                    (and (derived-mode-p 'wisp-diff-mode)
                                         (string-match-p "FizzBuzz\\.\"\"\"" (buffer-string))))))
      ;; The same review buffer, now the new proposal only; the source is untouched.
      (should (buffer-live-p review))
      (should (eq (window-buffer (selected-window)) review))
      (should (string-match-p "a: apply hunk" (wisp-test--last-message)))
      (should-not (string-match-p "range(1, 31)" (with-current-buffer review (buffer-string))))
      (should (equal (with-current-buffer source (buffer-string)) original))
      ;; The model saw its proposal as its own answer and the note as the user's reply.
      (let* ((requests (alist-get 'requests (wisp-test--control "log")))
             (messages (alist-get 'messages (alist-get 'body (nth sent requests)))))
        (should (= (length requests) (1+ sent)))
        (should (= (length messages) 4))
        (should (equal (alist-get 'role (nth 2 messages)) "assistant"))
        (should (string-match-p "range(1, 31)" (alist-get 'content (nth 2 messages))))
        (should (string-match-p "keep the range" (alist-get 'content (nth 3 messages)))))
      ;; A blank note asks nothing.
      (should (string-match-p "write a note" (wisp-test--type "R RET")))
      (should (= (length (alist-get 'requests (wisp-test--control "log"))) (1+ sent)))
      (wisp-test--type "A")
      (should (string-match-p "^\"\"\"FizzBuzz\\.\"\"\"$" (with-current-buffer source (buffer-string)))))))

(provide 'wisp-review-test)
;;; wisp-review-test.el ends here
