;;; wisp-progress.el --- The review buffer while wisp's request runs  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-progress.el: the review buffer opens when a request is sent and shows its stage and the
;; model's answer as it streams, until the verified hunks replace them (docs/protocol.md, Live progress).

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

;; Part of wisp (see wisp.el).  When `wisp-show-progress' is non-nil,
;; sending a request displays its review buffer at once, without
;; selecting it, in `wisp-progress-mode': the stage (queued, asking the
;; model, streaming with the characters received, verifying, checking)
;; and the model's answer as it arrives.  When the verified diff comes,
;; the same buffer turns into the review (`wisp-diff-mode').  There,
;; C-c C-k cancels the request and q hides the window while the request
;; goes on.  A request that ends without a diff closes the buffer, or,
;; for a refined proposal, brings the earlier proposal back.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'wisp-diff)

(defcustom wisp-show-progress t
  "Whether the review buffer opens as soon as a request is sent.
It shows the request's stage and the model's answer as it streams,
and is never selected for you: the hunks replace the progress when
they arrive, and the review is selected then only as
`wisp-select-review-window' says.  With nil, nothing opens until the
diff arrives, and the mode line alone shows the stage."
  :type 'boolean
  :group 'wisp)

(defface wisp-progress-stage '((t :inherit mode-line-emphasis))
  "Face of the stage line of a request in progress."
  :group 'wisp)

(defvar-local wisp--previous nil
  "The proposal a pending refinement replaces, as (REQUEST . RESULT), or nil.")

(defvar-local wisp--status-end nil
  "Marker after the stage and help lines of a progress buffer.")

(defvar wisp-progress-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-k") #'wisp-progress-cancel)
    (dolist (key '("a" "A" "k" "r" "R" "n" "p"))
      (define-key map (kbd key) #'wisp-progress-not-ready))
    (define-key map (kbd "C-c C-a") #'wisp-progress-not-ready)
    map)
  "Keymap of `wisp-progress-mode'.")

(define-derived-mode wisp-progress-mode special-mode "Wisp-Progress"
  "The review of a wisp request that is still running.
It shows the request's stage and the model's answer as it streams;
the hunks replace them when they are verified.
\\{wisp-progress-mode-map}"
  (setq-local truncate-lines nil)
  (setq-local word-wrap t))

(defun wisp--progress-buffer (source)
  "Return SOURCE's review buffer in progress, or nil."
  (cl-find-if (lambda (b) (and (eq (buffer-local-value 'wisp--source b) source)
                               (eq (buffer-local-value 'major-mode b) 'wisp-progress-mode)))
              (buffer-list)))

(defun wisp--progress-open (source request)
  "Display SOURCE's review buffer in progress for REQUEST, without selecting it."
  (when wisp-show-progress
    (let* ((buffer (wisp--diff-buffer source))
           (previous (with-current-buffer buffer
                       (and (derived-mode-p 'wisp-diff-mode)
                            (eq wisp--source source)
                            (plist-get wisp--origin :result)
                            (cons wisp--origin (plist-get wisp--origin :result))))))
      (with-current-buffer buffer
        (let ((inhibit-read-only t))
          (wisp-progress-mode)
          (erase-buffer)
          (remove-overlays)
          (setq wisp--source source
                wisp--origin request
                wisp--previous previous
                header-line-format nil)
          (insert "\n" (substitute-command-keys
                        (concat "\\<wisp-progress-mode-map>\\[wisp-progress-cancel] cancels, "
                                "\\[quit-window] hides this window; the hunks appear here once verified"))
                  "\n\n")
          (setq wisp--status-end (copy-marker (point)))
          (wisp--progress-set-stage "sent" "asking the model")))
      (unless (get-buffer-window buffer 'visible)
        (display-buffer buffer '(nil (inhibit-same-window . t)))))))

(defun wisp--progress-set-stage (stage text)
  "Show STAGE and its TEXT on the first line of the current progress buffer."
  (let ((inhibit-read-only t))
    (save-excursion
      (goto-char (point-min))
      (delete-region (point) (line-end-position))
      (insert (propertize (format "wisp: %s" text) 'face 'wisp-progress-stage 'wisp-stage stage)))))

(defun wisp--stage-text (params)
  "The sentence for the `$/progress' PARAMS of a wisp.patch request."
  (let ((detail (alist-get 'detail params)))
    (pcase (alist-get 'stage params)
      ("queued" "queued, waiting for a free upstream slot")
      ("upstream" (if detail (format "asking the model (%s)" detail) "asking the model"))
      ("streaming" (format "the model is answering: %s received"
                           (wisp--count-text (alist-get 'chars params))))
      ("validating" "verifying that the edit applies")
      ("checking" "checking that the result still parses")
      (other (format "%s%s" other (if detail (concat " (" detail ")") ""))))))

(defun wisp--count-text (chars)
  "CHARS (a number or nil) as \"N characters\"."
  (let ((n (or chars 0)))
    (format "%d character%s" n (if (= n 1) "" "s"))))

(defun wisp--progress-update (source params)
  "Show the `$/progress' PARAMS of SOURCE's request in its progress buffer."
  (when-let ((buffer (wisp--progress-buffer source)))
    (with-current-buffer buffer
      (let ((stage (alist-get 'stage params))
            (inhibit-read-only t))
        (when (equal stage "upstream")    ; a new answer starts
          (delete-region wisp--status-end (point-max)))
        (when-let ((text (and (equal stage "streaming") (alist-get 'text params))))
          ;; Windows whose point is at the end follow the text, as in *compilation*.
          (let ((following (cl-remove-if-not (lambda (w) (= (window-point w) (point-max)))
                                             (get-buffer-window-list buffer nil t))))
            (save-excursion
              (goto-char (point-max))
              (insert text))
            (dolist (w following) (set-window-point w (point-max)))))
        (wisp--progress-set-stage stage (wisp--stage-text params))))))

(defun wisp--progress-end (source)
  "End SOURCE's progress buffer for a request that brought no diff.
The earlier proposal of a refinement comes back; otherwise the buffer
and its windows go."
  (when-let ((buffer (wisp--progress-buffer source)))
    (with-current-buffer buffer
      (if-let ((previous wisp--previous))
          (wisp--render-review buffer source (car previous) (cdr previous))
        (quit-windows-on buffer t)
        (when (buffer-live-p buffer) (kill-buffer buffer))))))

(defun wisp-progress-cancel ()
  "Cancel the request whose progress is in this buffer."
  (interactive)
  (let ((cancel (plist-get wisp--origin :cancel-request)))
    (unless (and cancel (buffer-live-p wisp--source) (funcall cancel wisp--source))
      (user-error "Wisp: this request has already ended"))
    (message "wisp: cancelled")))

(defun wisp-progress-not-ready ()
  "Say that the proposal has not arrived yet."
  (interactive)
  (user-error "Wisp: the proposal is not here yet (%s cancels the request)"
              (substitute-command-keys "\\<wisp-progress-mode-map>\\[wisp-progress-cancel]")))

(provide 'wisp-progress)
;;; wisp-progress.el ends here
