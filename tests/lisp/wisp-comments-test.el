;;; wisp-comments-test.el --- Marked comments, one review for many, and watch mode  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-comments-test.el: which comments are marked, M-x wisp-apply-comments typed on files with
;; several of them (labelled hunks, A, one undo), and `wisp-watch-mode' on save; real lamp and the
;; fake upstream.

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window;
;; what the user sees in the review buffer includes its labels, which
;; are overlays (see `wisp-comments-test--visible').  Environment: see
;; wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)
(require 'wisp-watch)

(defun wisp-comments-test--visible (buffer)
  "BUFFER's text as displayed: with the before-strings of its overlays."
  (with-current-buffer buffer
    (let ((out "") (pos (point-min))
          (starts (sort (cl-remove-if-not (lambda (o) (overlay-get o 'before-string))
                                          (overlays-in (point-min) (point-max)))
                        (lambda (a b) (< (overlay-start a) (overlay-start b))))))
      (dolist (o starts)
        (setq out (concat out (buffer-substring-no-properties pos (overlay-start o))
                          (substring-no-properties (overlay-get o 'before-string)))
              pos (overlay-start o)))
      (concat out (buffer-substring-no-properties pos (point-max))))))

(defun wisp-comments-test--requests ()
  "The chat requests the fake upstream received since the last reset."
  (alist-get 'requests (wisp-test--control "log")))

(defun wisp-comments-test--prompt (request)
  "The user message of the logged chat REQUEST."
  (alist-get 'content (nth 1 (alist-get 'messages (alist-get 'body request)))))

(defun wisp-comments-test--block (search replace)
  "A SEARCH/REPLACE block replacing SEARCH by REPLACE (strings of whole lines)."
  (concat "<<<<<<< SEARCH\n" search "=======\n" replace ">>>>>>> REPLACE\n"))

(defun wisp-comments-test--review ()
  "Wait for, and return, the current buffer's review buffer."
  (let ((source (current-buffer)))
    (should (wisp-test--diff-buffer-of source))
    (wisp-test--review-of source)))

;;;; Which comments are marked (no server)

(ert-deftest wisp-marked-comments-rule ()
  "wisp: at the start or AI! at the end marks a comment; AI? and strings do not."
  (with-temp-buffer
    (insert "import os\n\n# WISP: add type hints\n# and a docstring\ndef f(x):\n"
            "    return x  # make it faster AI!\n\ns = \"# wisp: in a string\"\n"
            "# is this right AI?\n# wisp: second block\n# TODO: not marked\n")
    (python-mode)
    (should (equal (mapcar (lambda (c) (list (buffer-substring (plist-get c :start) (plist-get c :end))
                                             (plist-get c :instruction)))
                           (wisp--marked-comments (point-min) (point-max)))
                   '(("# WISP: add type hints\n# and a docstring\n" "add type hints\nand a docstring")
                     ("# make it faster AI!" "make it faster")
                     ("# wisp: second block\n# TODO: not marked\n" "second block\nTODO: not marked")))))
  (with-temp-buffer
    (insert "(defun g ()\n  ;; rename this to foo-bar AI!\n  1)\n;;; no marker here\n")
    (emacs-lisp-mode)
    (should (equal (mapcar (lambda (c) (plist-get c :instruction))
                           (wisp--marked-comments (point-min) (point-max)))
                   '("rename this to foo-bar"))))
  (with-temp-buffer
    (insert "int f(int *p) {\n  /* wisp: check for NULL */\n  return *p;\n}\n")
    (c-mode)
    (should (equal (mapcar (lambda (c) (plist-get c :instruction))
                           (wisp--marked-comments (point-min) (point-max)))
                   '("check for NULL"))))
  ;; The option decides: here only "@ai" comments are marked.
  (with-temp-buffer
    (insert "# @ai add logging\n# wisp: not with this option\n")
    (python-mode)
    (let ((wisp-comment-marker-regexp "\\`@ai\\b"))
      (should (equal (mapcar (lambda (c) (plist-get c :instruction))
                             (wisp--marked-comments (point-min) (point-max)))
                     '("add logging\nwisp: not with this option"))))))

;;;; M-x wisp-apply-comments

(defconst wisp-comments-test--python
  (concat "import json\n\n\n"
          "def load(path):\n"
          "    # wisp: add type hints\n"
          "    with open(path) as f:\n"
          "        return json.load(f)\n\n\n"
          "def name():\n"
          "    return \"store\"\n\n\n"
          "def save(path, data):\n"
          "    with open(path, \"w\") as f:\n"
          "        json.dump(data, f)  # indent the output AI!\n\n\n"
          "def kind():\n"
          "    return \"json\"\n\n\n"
          "def size(data):\n"
          "    # wisp: return 0 for None\n"
          "    return len(data)\n")
  "A Python file with three marked comments, far enough apart for three hunks.")

(defconst wisp-comments-test--python-reply
  (concat "1: added type hints\n2: indented the JSON\n3: None has size 0\n\n"
          (wisp-comments-test--block
           "def load(path):\n    # wisp: add type hints\n"
           "def load(path: str) -> object:\n")
          "\n"
          (wisp-comments-test--block
           "        json.dump(data, f)  # indent the output AI!\n"
           "        json.dump(data, f, indent=2)\n")
          "\n"
          (wisp-comments-test--block
           "    # wisp: return 0 for None\n    return len(data)\n"
           "    if data is None:\n        return 0\n    return len(data)\n"))
  "The model's answer to the three comments of `wisp-comments-test--python'.")

(ert-deftest wisp-apply-comments-python-one-request-labelled-apply-all-undo ()
  "Three marked comments → one request, hunks labelled, A applies all, one undo restores."
  (wisp-test--start)
  (wisp-test--with-text "store.py" #'python-mode wisp-comments-test--python
    (let ((source (current-buffer)))
      (wisp-test--control "enqueue" `((content . ,wisp-comments-test--python-reply)))
      (goto-char (point-max))
      (should-not (wisp-test--type "M-x wisp-apply-comments RET"))
      (let ((review (wisp-comments-test--review)))
        ;; One request carried the three comments, numbered.
        (let ((requests (wisp-comments-test--requests)))
          (should (= (length requests) 1))
          (let ((prompt (wisp-comments-test--prompt (car requests))))
            (dolist (n '(1 2 3))
              (should (string-match-p (format "\\[\\[WISP-SELECTION-BEGIN %d\\]\\]" n) prompt)))
            (should (string-match-p "indent the output" prompt))))
        ;; The review is selected; its header lists every comment, each hunk says which it answers.
        (should (eq (window-buffer (selected-window)) review))
        (let ((seen (wisp-comments-test--visible review)))
          (should (string-match-p "^# 1: add type hints — 1 hunk$" seen))
          (should (string-match-p "^# 2: indent the output — 1 hunk$" seen))
          (should (string-match-p "^# 3: return 0 for None — 1 hunk$" seen))
          (should (string-match-p "^# 1: add type hints\n@@ " seen))
          (should (string-match-p "^# 2: indent the output\n@@ " seen))
          (should (string-match-p "^# 3: return 0 for None\n@@ " seen)))
        (should (string-match-p "3 of 3 comments answered" (wisp-test--last-message)))
        (should-not (wisp-test--type "A"))
        (should-not (buffer-live-p review)))
      (should (eq (window-buffer (selected-window)) source))
      (let ((text (buffer-string)))
        (should (string-match-p "def load(path: str) -> object:" text))
        (should (string-match-p "json.dump(data, f, indent=2)\n" text))
        (should (string-match-p "if data is None:" text))
        (should-not (string-match-p "wisp:\\|AI!" text)))
      (undo-boundary)
      (should-not (wisp-test--type "C-/"))
      (should (equal (buffer-string) wisp-comments-test--python)))))

(defconst wisp-comments-test--elisp
  (concat ";;; tally.el --- Count things  -*- lexical-binding: t; -*-\n\n"
          "(defun tally-words (text)\n"
          "  ;; wisp: split on whitespace, not on spaces only\n"
          "  (length (split-string text \" \")))\n\n"
          "(defun tally-lines (text)\n"
          "  ;; count the lines of TEXT AI!\n"
          "  (length (split-string text \"\\n\")))\n\n"
          "(provide 'tally)\n")
  "An Emacs Lisp file with two marked comments.")

(ert-deftest wisp-apply-comments-elisp-unanswered-comment-and-kept-marker ()
  "A comment the model leaves alone is listed with its reason; a kept marker is removed."
  (wisp-test--start)
  (wisp-test--with-text "tally.el" #'emacs-lisp-mode wisp-comments-test--elisp
    ;; The model answers the first comment but copies its marker line back unchanged, and says
    ;; the second needs nothing.
    (wisp-test--control
     "enqueue"
     `((content . ,(concat "1: split on any whitespace\n2: NO CHANGE: it already counts lines\n\n"
                           (wisp-comments-test--block
                            "  ;; wisp: split on whitespace, not on spaces only\n  (length (split-string text \" \")))\n"
                            "  ;; wisp: split on whitespace, not on spaces only\n  (length (split-string text)))\n")))))
    (should-not (wisp-test--type "M-x wisp-apply-comments RET"))
    (let* ((review (wisp-comments-test--review))
           (seen (wisp-comments-test--visible review)))
      (should (string-match-p "^# 1: split on whitespace, not on spaces only — 1 hunk$" seen))
      (should (string-match-p "^# 2: count the lines of TEXT — no change: it already counts lines$" seen))
      ;; The diff deletes the marked comment the model left in place.
      (should (string-match-p "^-  ;; wisp: split on whitespace" seen))
      (should (string-match-p "1 of 2 comments answered" (wisp-test--last-message)))
      (should-not (wisp-test--type "A")))
    (should (string-match-p "(length (split-string text)))" (buffer-string)))
    (should-not (string-match-p ";; wisp:" (buffer-string)))
    ;; The unanswered comment is still there for next time.
    (should (string-match-p ";; count the lines of TEXT AI!" (buffer-string)))))

(ert-deftest wisp-apply-comments-without-marked-comments-says-so ()
  "No marked comment: a clear message and no request; a region limits the search."
  (wisp-test--start)
  (wisp-test--with-text "store.py" #'python-mode wisp-comments-test--python
    (goto-char (point-min))
    (should (string-match-p "no marked comment in the region"
                            (progn (set-mark (point)) (forward-line 3) (activate-mark)
                                   (wisp-test--type "M-x wisp-apply-comments RET"))))
    (deactivate-mark)
    (should-not (wisp-comments-test--requests))
    ;; A region around the second comment only sends that one.
    (wisp-test--control "enqueue" `((content . ,(concat "1: indented\n\n"
                                                       (wisp-comments-test--block
                                                        "        json.dump(data, f)  # indent the output AI!\n"
                                                        "        json.dump(data, f, indent=2)\n")))))
    (wisp-test--goto "def save")
    (set-mark (point))
    (forward-line 3)
    (activate-mark)
    (should-not (wisp-test--type "M-x wisp-apply-comments RET"))
    (let ((review (wisp-comments-test--review)))
      (should (string-match-p "^# 1: indent the output — 1 hunk$" (wisp-comments-test--visible review)))
      (let ((prompt (wisp-comments-test--prompt (car (wisp-comments-test--requests)))))
        (should (string-match-p "WISP-SELECTION-BEGIN 1" prompt))
        (should-not (string-match-p "WISP-SELECTION-BEGIN 2" prompt)))
      (with-current-buffer review (wisp-test--type "q")))))

;;;; wisp-watch-mode

(ert-deftest wisp-watch-mode-opens-a-review-on-save-and-never-twice ()
  "Saving with an AI! comment opens its review, applies nothing, and is not repeated."
  (wisp-test--start)
  (let ((text "def total(items):\n    # skip None items\n    return sum(items)\n"))
    (wisp-test--with-text "total.py" #'python-mode text
      (unwind-protect
          (let ((source (current-buffer)))
            (should-not (wisp-test--type "M-x wisp-watch-mode RET"))
            (should wisp-watch-mode)
            ;; A marked comment that does not end with "!" is not sent on save.
            (goto-char (point-max))
            (insert "# wisp: maybe later\n")
            (should-not (wisp-test--type "C-x C-s"))
            (should-not (wisp-comments-test--requests))
            (should-not (wisp-test--review-of source))
            ;; "AI!" at the end of the comment, then save: the review opens.
            (wisp-test--control
             "enqueue"
             `((content . ,(concat "1: filtered None\n\n"
                                   (wisp-comments-test--block
                                    "    # skip None items AI!\n    return sum(items)\n"
                                    "    return sum(item for item in items if item is not None)\n")))))
            (wisp-test--goto "# skip None items")
            (end-of-line)
            (insert " AI!")
            (should-not (wisp-test--type "C-x C-s"))
            (let ((review (wisp-comments-test--review)))
              (should (= (length (wisp-comments-test--requests)) 1))
              (should (string-match-p "^# 1: skip None items — 1 hunk$" (wisp-comments-test--visible review)))
              ;; Only the "!" comment is one of the numbered comments.
              (let ((prompt (wisp-comments-test--prompt (car (wisp-comments-test--requests)))))
                (should (string-match-p "^Comment 1 (line 2): skip None items$" prompt))
                (should-not (string-match-p "^Comment 2\\|WISP-SELECTION-BEGIN 2" prompt)))
              ;; Nothing applied: the buffer and the file still hold the comment.
              (should (string-match-p "# skip None items AI!" (buffer-string)))
              (let ((file buffer-file-name))
                (should (string-match-p "# skip None items AI!"
                                        (with-temp-buffer (insert-file-contents file)
                                                          (buffer-string)))))
              (with-current-buffer review (wisp-test--type "q")))
            ;; Saving again with the same comments sends nothing.
            (goto-char (point-max))
            (insert "\n")
            (should-not (wisp-test--type "C-x C-s"))
            (should (= (length (wisp-comments-test--requests)) 1))
            (should-not (wisp-test--review-of source))
            ;; Without the marker, then with it again: that is a new request.
            (wisp-test--goto " AI!")
            (delete-char 4)
            (should-not (wisp-test--type "C-x C-s"))
            (wisp-test--control "enqueue" '((content . "NO CHANGE: already done")))
            (insert " AI!")
            (should-not (wisp-test--type "C-x C-s"))
            (wisp-test--wait (lambda () (= (length (wisp-comments-test--requests)) 2)))
            (wisp-test--wait (lambda () (null wisp--request))))
        (wisp-watch-mode -1)))))

(ert-deftest wisp-watch-mode-skips-pending-buffers-and-other-projects ()
  "No request while one is running for the buffer, nor outside `wisp-watch-projects'."
  (wisp-test--start)
  (let ((text "x = 1\n# log every call AI!\n"))
    (wisp-test--with-text "log.py" #'python-mode text
      (unwind-protect
          (progn
            (wisp-watch-mode 1)
            ;; Outside the watched projects: nothing.
            (let ((wisp-watch-projects (list (make-temp-file "elsewhere" t))))
              (goto-char (point-max))
              (insert "\n")
              (should-not (wisp-test--type "C-x C-s"))
              (should-not (wisp-comments-test--requests)))
            ;; In a watched project, with the model slow: one request, and a second save while it
            ;; runs sends nothing.
            (let ((wisp-watch-projects (list (file-name-directory buffer-file-name))))
              (wisp-test--control "enqueue" '((delay_ms . 2000) (content . "NO CHANGE: fine")))
              (goto-char (point-max))
              (insert "\n")
              (should-not (wisp-test--type "C-x C-s"))
              (should wisp--request)
              (goto-char (point-max))
              (insert "\n")
              (should-not (wisp-test--type "C-x C-s"))
              (wisp-test--wait (lambda () (null wisp--request)))
              (should (= (length (wisp-comments-test--requests)) 1))))
        (wisp-watch-mode -1)))))

(provide 'wisp-comments-test)
;;; wisp-comments-test.el ends here
