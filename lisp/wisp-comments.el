;;; wisp-comments.el --- Find the comments wisp acts on  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-comments.el: the comment block at point, and the marked comments of a buffer
;; ("# wisp: add type hints", ";; rename this AI!") with the instructions they hold.

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

;; Part of wisp (see wisp.el).  Comments are found with the major
;; mode's syntax table, so a "#" inside a string is not a comment.  A
;; comment is marked when its text matches `wisp-comment-marker-regexp';
;; the whole-line comments right below a marked one belong to its block.

;;; Code:

(require 'newcomment)
(require 'subr-x)

(defcustom wisp-comment-marker-regexp "\\`wisp:\\|AI!\\'"
  "Regexp that makes a comment a request for `wisp-apply-comments'.
It is matched, ignoring case, against the comment's text without its
comment starters, ender and surrounding blanks (the lines of a
multi-line comment joined by newlines).  The default marks a comment
that begins with \"wisp:\" or ends with \"AI!\":

  # wisp: add type hints
  ;; rename this to foo-bar AI!
  /* wisp: check for NULL */

but not \"# is this right AI?\".  The text it matches is removed from
the instruction sent to the model.  lamp itself recognises the default
markers: it removes a marked comment the model's edit leaves in place."
  :type 'regexp
  :group 'wisp)

(defconst wisp--comment-starter-regexp
  "\\`[ \t]*\\(?:<!--\\|/\\*+\\|//+\\|#+\\|;+\\|--+\\|%+\\|\\*+\\)?[ \t]*"
  "The comment starter of one line of a comment, with the blanks around it.")

(defconst wisp--comment-ender-regexp "[ \t]*\\(?:\\*+/\\|-->\\)?[ \t]*\\'"
  "The comment ender of one line of a comment, with the blanks before it.")

(defun wisp--whole-line-comment ()
  "Return where the comment begins if the current line is only a comment."
  (save-excursion
    (back-to-indentation)
    (let ((indent (point)))
      (and (not (eolp))
           (eql (comment-search-forward (line-end-position) t) indent)
           indent))))

(defun wisp--comment-end (start)
  "Return the end of the comment beginning at START."
  (save-excursion
    (goto-char start)
    (forward-comment 1)
    (point)))

(defun wisp--comment-bounds ()
  "Bounds (START . END) of the comment block at point, or nil.
Adjacent whole-line comments form one block; a block that fills its
lines extends to the start of the next line."
  (comment-normalize-vars t)
  (save-excursion
    (let* ((ppss (syntax-ppss))
           (start (if (nth 4 ppss)
                      (nth 8 ppss)
                    (save-excursion (beginning-of-line)
                                    (comment-search-forward (line-end-position) t)))))
      (when start
        (let ((end (wisp--comment-end start)))
          (goto-char start)
          (when (eql (wisp--whole-line-comment) start)
            (while (and (zerop (forward-line -1)) (wisp--whole-line-comment))
              (setq start (wisp--whole-line-comment)))
            (goto-char end)
            (unless (bolp) (forward-line 1))
            (while (and (not (eobp)) (wisp--whole-line-comment))
              (setq end (wisp--comment-end (wisp--whole-line-comment)))
              (goto-char end)
              (unless (bolp) (forward-line 1)))
            (goto-char end)
            (when (and (not (bolp)) (looking-at-p "[ \t]*$"))
              (setq end (min (point-max) (1+ (line-end-position))))))
          (cons start end))))))

(defun wisp--comment-text (start end)
  "The text of the comment between START and END, without comment syntax.
Each line loses its comment starter and ender; lines are joined with
newlines and the result is trimmed."
  (string-trim
   (mapconcat (lambda (line)
                (replace-regexp-in-string
                 wisp--comment-ender-regexp ""
                 (replace-regexp-in-string wisp--comment-starter-regexp "" line)))
              (split-string (buffer-substring-no-properties start end) "\n")
              "\n")))

(defun wisp--marked-p (text)
  "Non-nil when the comment TEXT matches `wisp-comment-marker-regexp'."
  (let ((case-fold-search t))
    (string-match-p wisp-comment-marker-regexp text)))

(defun wisp--comment-instruction (text)
  "TEXT, a marked comment's text, without its markers."
  (let ((case-fold-search t))
    (string-trim (replace-regexp-in-string wisp-comment-marker-regexp "" text t t))))

(defun wisp--marked-block-end (start end limit)
  "End of the block of the marked whole-line comment from START to END.
The whole-line comments below it that are not marked themselves join
it, up to LIMIT; a block that fills its last line takes that newline.
Return (BLOCK-END . TEXTS), TEXTS being the text of each comment."
  (let ((texts (list (wisp--comment-text start end))))
    (goto-char end)
    (unless (bolp) (forward-line 1))
    (while (and (not (eobp)) (< (point) limit)
                (let ((next (wisp--whole-line-comment)))
                  (when next
                    (let* ((next-end (wisp--comment-end next))
                           (text (wisp--comment-text next next-end)))
                      (unless (wisp--marked-p text)
                        (push text texts)
                        (setq end next-end))))))
      (goto-char end)
      (unless (bolp) (forward-line 1)))
    (goto-char end)
    (when (and (not (bolp)) (looking-at-p "[ \t]*$"))
      (setq end (min (point-max) (1+ (line-end-position)))))
    (cons end (nreverse texts))))

(defun wisp--marked-comments (beg end)
  "The marked comments that start between BEG and END, in buffer order.
Each is a plist (:start :end :text :instruction): the bounds of the
comment block, its text without comment syntax, and the instruction
it holds (the text without the markers)."
  (comment-normalize-vars t)
  (let ((found nil))
    (save-excursion
      (goto-char beg)
      (while (and (< (point) end)
                  (let ((start (comment-search-forward end t)))
                    (when start
                      (let* ((comment-end (wisp--comment-end start))
                             (text (wisp--comment-text start comment-end)))
                        (if (not (wisp--marked-p text))
                            (goto-char (max comment-end (1+ start)))
                          (goto-char start)
                          (pcase-let ((`(,block-end . ,texts)
                                       (if (eql (wisp--whole-line-comment) start)
                                           (wisp--marked-block-end start comment-end end)
                                         ;; A trailing comment: the code's line keeps its newline.
                                         (list (if (eq (char-before comment-end) ?\n)
                                                   (1- comment-end)
                                                 comment-end)
                                               text))))
                            (let ((whole (string-join texts "\n")))
                              (push (list :start start :end block-end :text whole
                                          :instruction (wisp--comment-instruction whole))
                                    found))
                            (goto-char block-end))))
                      t)))))
    (nreverse found)))

(provide 'wisp-comments)
;;; wisp-comments.el ends here
