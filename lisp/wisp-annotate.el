;;; wisp-annotate.el --- Labels and diagnostics in the wisp review buffer  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-annotate.el: the lines the review buffer shows beside the diff: which comment each hunk
;; answers, and what lamp's check found wrong; overlays only, so the buffer stays a patch.

;; Copyright (C) 2026 The wisp + lamp authors

;; Author: The wisp + lamp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: tools, convenience

;; This program is free software: you can redistribute it and/or modify
;; it under the terms of the GNU General Public License as published by
;; the Free Software Foundation, either version 3 of the License, or
;; (at your option) any later version.

;; This program is distributed in the hope that it will be useful,
;; but WITHOUT ANY WARRANTY; without even the implied warranty of
;; MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
;; GNU General Public License for more details.

;; You should have received a copy of the GNU General Public License
;; along with this program.  If not, see <https://www.gnu.org/licenses/>.

;;; Commentary:

;; Part of wisp (see wisp.el).  `wisp--show-result' (wisp-diff.el) calls
;; `wisp--label-hunks' for a request with several comments and
;; `wisp--show-diagnostics' for the check's findings (docs/protocol.md).

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defface wisp-diff-comment-label '((t :inherit font-lock-comment-face))
  "Face of the lines naming the comments a review answers."
  :group 'wisp)

(defun wisp--first-line (text)
  "The first line of TEXT, or nil when TEXT is nil or blank."
  (and text (not (string-blank-p text)) (car (split-string text "\n" t "[ \t]+"))))

(defun wisp--comment-title (instruction)
  "INSTRUCTION on one line, cut to 80 columns: how labels name a comment."
  (truncate-string-to-width
   (mapconcat #'identity (split-string (or instruction "") "\n" t "[ \t]+") " ")
   80 nil nil "…"))

(defun wisp--no-change-reason (note)
  "The first line of the model's NOTE on a comment, without a leading \"NO CHANGE:\"."
  (let ((line (wisp--first-line note)))
    (and line
         (let ((case-fold-search t))
           (wisp--first-line (replace-regexp-in-string
                              "\\`no[ _-]changes?\\(?: needed\\)?[:.]?[ \t]*" "" line))))))

(defun wisp--comment-summary (instructions comments)
  "One line per comment: its number, INSTRUCTIONS entry, and hunks or note.
COMMENTS is the `comments' member of a wisp.patch result."
  (cl-loop for instruction in instructions
           for i from 0
           for entry = (cl-find i comments :key (lambda (c) (alist-get 'index c)))
           for count = (length (alist-get 'hunks entry))
           for note = (wisp--no-change-reason (alist-get 'note entry))
           concat (format "# %d: %s — %s\n" (1+ i) (wisp--comment-title instruction)
                          (cond ((> count 0) (format "%d hunk%s" count (if (= count 1) "" "s")))
                                (note (format "no change: %s" note))
                                (t "no change")))))

(defun wisp--label-hunks (instructions comments)
  "Put above each hunk the comments (of INSTRUCTIONS) it answers.
COMMENTS is the `comments' member of a wisp.patch result.  The labels
are overlays, so the buffer stays a patch that `patch -p1' takes."
  (let ((header (make-overlay (point-min) (min (point-max) (1+ (point-min))))))
    (overlay-put header 'before-string
                 (propertize (concat (wisp--comment-summary instructions comments) "\n")
                             'face 'wisp-diff-comment-label)))
  (save-excursion
    (goto-char (point-min))
    (let ((hunk 0))
      (while (re-search-forward "^@@ " nil t)
        (let* ((start (match-beginning 0))
               (numbers (cl-loop for c in comments
                                 when (memql hunk (alist-get 'hunks c))
                                 collect (1+ (alist-get 'index c))))
               (label (if numbers
                          (mapconcat (lambda (n)
                                       (format "# %d: %s\n" n
                                               (wisp--comment-title (nth (1- n) instructions))))
                                     numbers "")
                        "# (not tied to one comment)\n"))
               ;; Spans the @@ line, so the label goes when the hunk is applied or rejected.
               (overlay (make-overlay start (line-end-position))))
          (overlay-put overlay 'evaporate t)
          (overlay-put overlay 'before-string (propertize label 'face 'wisp-diff-comment-label)))
        (setq hunk (1+ hunk))))))

;;;; Diagnostics: what lamp's check found wrong in the proposal (docs/protocol.md, Checks)

(defface wisp-diff-diagnostic '((t :inherit warning))
  "Face of the lines showing what still does not parse in a proposal."
  :group 'wisp)

(defun wisp--diagnostic-text (diagnostic)
  "DIAGNOSTIC (an entry of a wisp.patch result's `diagnostics') on one line."
  (let ((line (alist-get 'line diagnostic)))
    (format "! %s%s" (if (and (integerp line) (> line 0)) (format "line %d: " line) "")
            (wisp--comment-title (alist-get 'message diagnostic)))))

(defun wisp--diagnostic-position (line)
  "Return the end of the diff line holding LINE of the proposed file, or nil.
Only `+' and context lines of a hunk count; LINE outside every hunk is nil."
  (save-excursion
    (goto-char (point-min))
    (catch 'found
      (while (re-search-forward "^@@ -[0-9]+\\(?:,[0-9]+\\)? \\+\\([0-9]+\\)" nil t)
        (let ((new (string-to-number (match-string 1))))
          (forward-line 1)
          (while (and (not (eobp)) (memq (char-after) '(?\s ?+ ?- ?\\)))
            (pcase (char-after)
              ((or ?\s ?+)
               (when (= new line) (throw 'found (line-end-position)))
               (setq new (1+ new))))
            (forward-line 1))))
      nil)))

(defun wisp--show-diagnostics (diagnostics check)
  "Show DIAGNOSTICS at the top of the review and under the lines they name.
CHECK is the result's `check' summary.  Nothing is shown without
diagnostics.  Overlays, like the comment labels: the buffer stays a patch."
  (when diagnostics
    (let* ((lines (mapconcat (lambda (d) (concat (wisp--diagnostic-text d) "\n")) diagnostics ""))
           (before (and (eq (alist-get 'original_ok check) :false)
                        "! (the file did not parse before this change either)\n"))
           (text (propertize (concat lines before) 'face 'wisp-diff-diagnostic))
           (header (cl-find-if (lambda (o) (and (= (overlay-start o) (point-min))
                                                (overlay-get o 'before-string)))
                               (overlays-in (point-min) (min (point-max) (1+ (point-min)))))))
      ;; One header overlay, so the order of the lines above the diff is certain.
      (if header
          (overlay-put header 'before-string (concat text (overlay-get header 'before-string)))
        (overlay-put (make-overlay (point-min) (min (point-max) (1+ (point-min))))
                     'before-string (concat text "\n")))
      (dolist (d diagnostics)
        (let* ((line (alist-get 'line d))
               (end (and (integerp line) (> line 0) (wisp--diagnostic-position line))))
          (when end
            ;; Spans the diff line, so it goes with the hunk when applied or rejected.
            (let ((overlay (make-overlay (save-excursion (goto-char end) (line-beginning-position)) end)))
              (overlay-put overlay 'evaporate t)
              (overlay-put overlay 'after-string
                           (propertize (concat "\n" (wisp--diagnostic-text d))
                                       'face 'wisp-diff-diagnostic)))))))))

(provide 'wisp-annotate)
;;; wisp-annotate.el ends here
