;;; wisp-rebase-test.el --- Applying a proposal after editing the buffer meanwhile  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-rebase-test.el: the user edits the buffer while the model thinks, then applies the review;
;; lamp's wisp.rebase merges the proposal with the edits (real lamp, fake upstream, typed keys).

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window.
;; The fake model answers after a delay, so the edits typed right
;; after the request land while it runs.  Environment: see
;; wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(defconst wisp-rebase-test--python
  (concat "def add(a, b):\n"
          "    return a + b\n\n\n"
          "def mean(values):\n"
          "    # TODO: return the mean of values, 0.0 when empty\n"
          "    pass\n\n\n"
          "def double(x):\n"
          "    return x * 2\n\n\n"
          "def half(x):\n"
          "    # TODO: return half of x\n"
          "    pass\n")
  "A Python file with two comments far enough apart for two hunks.")

(defun wisp-rebase-test--block (search replace)
  "A SEARCH/REPLACE block replacing SEARCH by REPLACE (strings of whole lines)."
  (concat "<<<<<<< SEARCH\n" search "=======\n" replace ">>>>>>> REPLACE\n"))

(defconst wisp-rebase-test--mean-reply
  (wisp-rebase-test--block
   "    # TODO: return the mean of values, 0.0 when empty\n    pass\n"
   "    if not values:\n        return 0.0\n    return sum(values) / len(values)\n")
  "The model's answer for `mean'.")

(defconst wisp-rebase-test--both-reply
  (concat wisp-rebase-test--mean-reply "\n"
          (wisp-rebase-test--block "    # TODO: return half of x\n    pass\n"
                                   "    return x / 2\n"))
  "The model's answer for both comments: two hunks.")

(defmacro wisp-rebase-test--with-buffer (&rest body)
  "Run BODY in a buffer visiting a new file holding `wisp-rebase-test--python'.
The buffer is the selected window's only buffer."
  (declare (indent 0))
  `(wisp-test--with-text "stats.py" #'python-mode wisp-rebase-test--python ,@body))

(defun wisp-rebase-test--ask-slowly (reply)
  "Type C-c w on the first TODO comment; the model answers REPLY after a while."
  (wisp-test--control "enqueue" `((delay_ms . 1500) (content . ,reply)))
  (wisp-test--goto "# TODO")
  (should-not (wisp-test--type "C-c w"))
  (should wisp--request))

(defun wisp-rebase-test--requests ()
  "The methods lamp was asked since the fake upstream's last reset: its chat requests."
  (alist-get 'requests (wisp-test--control "log")))

(ert-deftest wisp-rebase-edit-above-while-the-request-runs-then-A ()
  "An edit typed above the comment while the model thinks is kept; A applies the proposal too."
  (wisp-test--start)
  (wisp-rebase-test--with-buffer
    (let ((source (current-buffer)))
      (wisp-rebase-test--ask-slowly wisp-rebase-test--mean-reply)
      ;; The user keeps working: a new first line, and a changed line in the hunk's context
      ;; (so the hunk's old text is no longer in the buffer as it was).
      (goto-char (point-min))
      (should-not (wisp-test--type "import SPC math RET"))
      (wisp-test--goto "def double(x)")
      (forward-char (length "def double(x"))
      (should-not (wisp-test--type ": SPC float"))
      (should wisp--request)                ; typed while the request ran
      (let ((edited (buffer-string))
            (review (wisp-test--diff-buffer-of source)))
        (should (eq (window-buffer (selected-window)) review))
        (should-not (wisp-test--type "A"))
        (should-not (buffer-live-p review))
        (should (eq (window-buffer (selected-window)) source))
        (should (equal (buffer-string)
                       (concat "import math\n"
                               "def add(a, b):\n"
                               "    return a + b\n\n\n"
                               "def mean(values):\n"
                               "    if not values:\n        return 0.0\n"
                               "    return sum(values) / len(values)\n\n\n"
                               "def double(x: float):\n"
                               "    return x * 2\n\n\n"
                               "def half(x):\n"
                               "    # TODO: return half of x\n"
                               "    pass\n")))
        (should (string-match-p "merged with your edits" (wisp-test--last-message)))
        ;; One undo takes the proposal back and leaves the user's edits.
        (undo-boundary)
        (should-not (wisp-test--type "C-/"))
        (should (equal (buffer-string) edited))))))

(ert-deftest wisp-rebase-edit-overlapping-the-hunk-is-refused ()
  "A hunk whose changed lines the user also changed is refused by name; the buffer keeps the user's text."
  (wisp-test--start)
  (wisp-rebase-test--with-buffer
    (let ((source (current-buffer)))
      (wisp-rebase-test--ask-slowly wisp-rebase-test--mean-reply)
      ;; The user replaces the line the proposal replaces too.
      (wisp-test--goto "    pass")
      (kill-line)
      (should-not (wisp-test--type "SPC SPC SPC SPC return SPC None"))
      (should wisp--request)
      (let ((edited (buffer-string))
            (review (wisp-test--diff-buffer-of source)))
        (should (eq (window-buffer (selected-window)) review))
        (let ((hunk-line (with-current-buffer review
                           (goto-char (point-min))
                           (re-search-forward "^@@ -\\([0-9]+\\)")
                           (match-string 1))))
          (should (equal (wisp-test--type "a")
                         (format "Wisp: hunk 1 (line %s) overlaps your edits; r re-runs the request"
                                 hunk-line))))
        (should (equal (with-current-buffer source (buffer-string)) edited))
        ;; The hunk stays in the review, so the user can still read it or press r.
        (should (buffer-live-p review))
        (should (string-match-p "^\\+        return 0.0$" (with-current-buffer review (buffer-string))))
        (should (string-match-p "overlaps your edits" (wisp-test--type "A")))
        (should (equal (with-current-buffer source (buffer-string)) edited))
        (with-current-buffer review (wisp-test--type "q"))))))

(ert-deftest wisp-rebase-A-applies-the-hunks-away-from-the-edits-and-keeps-the-other ()
  "With two hunks and an edit overlapping the second, A applies the first and keeps the second."
  (wisp-test--start)
  (wisp-rebase-test--with-buffer
    (let ((source (current-buffer)))
      (wisp-rebase-test--ask-slowly wisp-rebase-test--both-reply)
      (wisp-test--goto "# TODO: return half of x")
      (end-of-line)
      (should-not (wisp-test--type "SPC as SPC a SPC float"))
      (should wisp--request)
      (let ((review (wisp-test--diff-buffer-of source)))
        (should (= 2 (with-current-buffer review (how-many "^@@ " (point-min) (point-max)))))
        (should-not (wisp-test--type "A"))
        (should (string-match-p "applied 1 hunk(s) to stats.py; hunk 2 (line [0-9]+) overlaps your edits"
                                (wisp-test--last-message)))
        (should (equal (with-current-buffer source (buffer-string))
                       (concat "def add(a, b):\n"
                               "    return a + b\n\n\n"
                               "def mean(values):\n"
                               "    if not values:\n        return 0.0\n"
                               "    return sum(values) / len(values)\n\n\n"
                               "def double(x):\n"
                               "    return x * 2\n\n\n"
                               "def half(x):\n"
                               "    # TODO: return half of x as a float\n"
                               "    pass\n")))
        ;; Only the refused hunk is left to review.
        (should (buffer-live-p review))
        (with-current-buffer review
          (should (= 1 (how-many "^@@ " (point-min) (point-max))))
          (should (string-match-p "^\\+    return x / 2$" (buffer-string)))
          (wisp-test--type "q"))))))

;; `a' takes the same path as `A', one hunk at a time.
(ert-deftest wisp-rebase-a-applies-one-hunk-merged-with-the-edits ()
  "After an edit above both hunks, a applies the hunk at point there and leaves the other."
  (wisp-test--start)
  (wisp-rebase-test--with-buffer
    (let ((source (current-buffer)))
      (wisp-rebase-test--ask-slowly wisp-rebase-test--both-reply)
      (goto-char (point-min))
      (should-not (wisp-test--type "import SPC math RET RET"))
      (should wisp--request)
      (let ((review (wisp-test--diff-buffer-of source)))
        (should (eq (window-buffer (selected-window)) review))
        (should-not (wisp-test--type "a"))
        (should (equal (with-current-buffer source (buffer-string))
                       (concat "import math\n\n"
                               "def add(a, b):\n"
                               "    return a + b\n\n\n"
                               "def mean(values):\n"
                               "    if not values:\n        return 0.0\n"
                               "    return sum(values) / len(values)\n\n\n"
                               "def double(x):\n"
                               "    return x * 2\n\n\n"
                               "def half(x):\n"
                               "    # TODO: return half of x\n"
                               "    pass\n")))
        (with-current-buffer review
          (should (= 1 (how-many "^@@ " (point-min) (point-max)))))
        (should-not (wisp-test--type "a"))
        (should-not (buffer-live-p review))
        (should (string-match-p "^import math\n\ndef add(a, b):\n" (with-current-buffer source (buffer-string))))
        (should (string-match-p "    return x / 2\n\\'" (with-current-buffer source (buffer-string))))))))

(provide 'wisp-rebase-test)
;;; wisp-rebase-test.el ends here
