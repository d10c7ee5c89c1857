;;; wisp-watch.el --- Ask wisp when a file is saved with a "!" comment  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-watch.el: `wisp-watch-mode', which sends the marked comments ending in "!" of a buffer
;; as it is saved, and opens their review; nothing is applied without the user.

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

;; Part of wisp (see wisp.el).  With `wisp-watch-mode' on, saving a
;; file that holds a marked comment ending in "!" (such as
;; "# wisp: add logging!" or "# add logging AI!") runs
;; `wisp-apply-comments' on those comments and opens the review.  The
;; same unchanged comments are not sent twice, and a buffer whose
;; request is still running is left alone.

;;; Code:

(require 'cl-lib)
(require 'wisp)

(defcustom wisp-watch-projects t
  "Projects where `wisp-watch-mode' acts on saved files.
t for every file; otherwise a list of project root directories, and
only files under one of them are watched."
  :type '(choice (const :tag "All files" t) (repeat directory))
  :group 'wisp)

(defvar-local wisp--watch-sent nil
  "The texts of the \"!\" comments this buffer last sent from `wisp-watch-mode'.")

(defun wisp--watch-comment-p (comment)
  "Non-nil when the marked COMMENT (a plist) ends with \"!\"."
  (string-suffix-p "!" (plist-get comment :text)))

(defun wisp--watched-file-p (file)
  "Non-nil when FILE lies in a project of `wisp-watch-projects'."
  (or (eq wisp-watch-projects t)
      (cl-some (lambda (root) (file-in-directory-p file root)) wisp-watch-projects)))

(defun wisp--watch-after-save ()
  "Send the current buffer's \"!\" comments when they changed since last time."
  (when (and buffer-file-name
             (not wisp--request)
             (wisp--watched-file-p buffer-file-name))
    (let ((texts (save-restriction
                   (widen)
                   (mapcar (lambda (c) (plist-get c :text))
                           (cl-remove-if-not #'wisp--watch-comment-p
                                             (wisp--marked-comments (point-min) (point-max)))))))
      ;; Once the "!" comments are gone (applied, or removed by hand), the same text written
      ;; again is a new request.
      (unless texts (setq wisp--watch-sent nil))
      (when (and texts (not (equal texts wisp--watch-sent)))
        (condition-case err
            (save-restriction
              (widen)
              (when (wisp--send-marked (point-min-marker) (copy-marker (point-max) t)
                                       #'wisp--watch-comment-p)
                (setq wisp--watch-sent texts)))
          ;; The file is saved either way: say why nothing was sent, without failing the save.
          (error (message "%s" (error-message-string err))))))))

;;;###autoload
(define-minor-mode wisp-watch-mode
  "Send marked comments ending in \"!\" to wisp when their file is saved.
On saving a buffer visiting a file (in `wisp-watch-projects') that holds
comments such as \"# wisp: add logging!\" or \"# add logging AI!\", run
`wisp-apply-comments' on them and open the review; nothing is applied
until you apply it.  The same unchanged comments are not sent again, and
nothing is sent while the buffer's previous request is running."
  :global t
  :group 'wisp
  (if wisp-watch-mode
      (add-hook 'after-save-hook #'wisp--watch-after-save)
    (remove-hook 'after-save-hook #'wisp--watch-after-save)))

(provide 'wisp-watch)
;;; wisp-watch.el ends here
