;;; wisp-diff.el --- Review and apply the changes wisp proposes  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-diff.el: the *wisp diff* buffer: a diff-mode buffer pointed at the source buffer, whose
;; hunks are applied to (or rejected from) that buffer, never to the file on disk.

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

;; Part of wisp (see wisp.el).  `wisp--show-result' opens the answer of
;; a wisp.patch request in `wisp-diff-mode'; the commands here apply or
;; reject its hunks, through wisp-apply.el: each hunk goes to the buffer
;; of the file its section names, merged with edits made since the
;; request when that buffer changed (a hunk that overlaps them is
;; refused and stays in the review).

;;; Code:

(require 'cl-lib)
(require 'diff-mode)
(require 'subr-x)
(require 'wisp-annotate)
(require 'wisp-apply)

(declare-function evil-define-key* "evil-core")

(defvar wisp-diff-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "a") #'wisp-diff-apply-hunk)
    (define-key map (kbd "C-c C-a") #'wisp-diff-apply-hunk)
    (define-key map (kbd "A") #'wisp-diff-apply-all)
    (define-key map (kbd "k") #'wisp-diff-reject-hunk)
    (define-key map (kbd "r") #'wisp-diff-rerun)
    (define-key map (kbd "R") #'wisp-diff-refine)
    (define-key map (kbd "q") #'wisp-diff-quit)
    (define-key map (kbd "n") #'diff-hunk-next)
    (define-key map (kbd "p") #'diff-hunk-prev)
    map)
  "Keymap of `wisp-diff-mode'.")

(define-derived-mode wisp-diff-mode diff-mode "Wisp-Diff"
  "Review a change proposed by wisp; apply or reject its hunks.
\\{wisp-diff-mode-map}"
  (setq buffer-read-only t)
  ;; In a read-only buffer diff-mode makes its own single-key map (where A
  ;; patches files on disk, k kills a hunk, q only buries) win over the
  ;; major mode's map, through `minor-mode-overriding-map-alist'.  Put
  ;; wisp's keys in front, keeping diff-mode's others (o, RET, ...).
  (setq-local minor-mode-overriding-map-alist
              (cons (cons 'buffer-read-only
                          (make-composed-keymap wisp-diff-mode-map diff-mode-shared-map))
                    (assq-delete-all 'buffer-read-only
                                     (copy-sequence minor-mode-overriding-map-alist)))))

(defcustom wisp-select-review-window t
  "Whether the review window is selected when the diff arrives.
It is selected only when the window showing the source buffer is still
the selected one; when you have moved elsewhere, the review is
displayed and `wisp-review' takes you there.  With nil, the review is
only displayed, and the message says how to reach it."
  :type 'boolean
  :group 'wisp)

(with-eval-after-load 'evil
  (when (fboundp 'evil-define-key*)
    (evil-define-key* 'normal wisp-diff-mode-map
                      "a" #'wisp-diff-apply-hunk "A" #'wisp-diff-apply-all
                      "q" #'wisp-diff-quit "]h" #'diff-hunk-next "[h" #'diff-hunk-prev)))

(defun wisp--diff-buffer (source)
  "The diff buffer for SOURCE: its existing one, \"*wisp diff*\", or a new one."
  (or (cl-find-if (lambda (b) (eq (buffer-local-value 'wisp--source b) source))
                  (wisp--review-buffers))
      (let ((main (get-buffer "*wisp diff*")))
        (if (or (null main) (not (buffer-live-p (buffer-local-value 'wisp--source main))))
            (get-buffer-create "*wisp diff*")
          (generate-new-buffer (format "*wisp diff*<%s>" (buffer-name source)))))))

(defun wisp--show-result (source request result)
  "Show RESULT (wisp.patch's answer to REQUEST) for SOURCE."
  (let ((rationale (alist-get 'rationale result)))
    (if (not (eq (alist-get 'ok result) t))
        (message "wisp: no change proposed%s" (if (wisp--first-line rationale)
                                                  (concat ": " (string-trim rationale)) ""))
      (let* ((buffer (wisp--diff-buffer source))
             (summary (wisp--render-review buffer source request result)))
        (wisp--present-review source buffer summary)))))

(defun wisp--render-review (buffer source request result)
  "Make BUFFER the review of RESULT, the proposal answering REQUEST for SOURCE.
Return the one-line summary of the proposal."
  (let* ((rationale (alist-get 'rationale result))
         (instructions (plist-get request :comments))
         (comments (alist-get 'comments result))
         (changed (cl-count-if (lambda (c) (alist-get 'hunks c)) comments))
         (summary (if instructions
                      (format "%d of %d comment%s answered" changed (length instructions)
                              (if (= (length instructions) 1) "" "s"))
                    (or (wisp--first-line rationale) "change ready"))))
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (remove-overlays)
        (insert (alist-get 'patch result)))
      (wisp-diff-mode)
      (setq wisp--source source
            wisp--targets (wisp--make-targets source request (alist-get 'patch result))
            ;; The proposal shown, which `R' sends back with a note (and gets back
            ;; should the refinement bring nothing).
            wisp--origin (append (list :patch (alist-get 'patch result) :rationale rationale
                                       :result result)
                                 request))
      (setq header-line-format
            (let ((line (if instructions summary (wisp--first-line rationale)))
                  (files (and (cdr wisp--targets)
                              (concat "changes " (mapconcat #'wisp--target-rel wisp--targets ", ")))))
              (and (or line files)
                   (concat " " (string-join (delq nil (list line files)) " · ")))))
      (when instructions (wisp--label-hunks instructions comments))
      (wisp--show-diagnostics (alist-get 'diagnostics result) (alist-get 'check result))
      (goto-char (point-min))
      (ignore-errors (diff-hunk-next))
      ;; A window that showed the progress keeps its own point: start it at the first hunk too.
      (dolist (window (get-buffer-window-list buffer nil t))
        (set-window-point window (point))))
    summary))

(defun wisp--present-review (source buffer summary)
  "Show the review BUFFER for SOURCE, saying SUMMARY.
Select it when SOURCE (or BUFFER, for a refined proposal) is in the
selected window and `wisp-select-review-window' allows; never take
focus from elsewhere."
  (let ((here (memq (window-buffer (selected-window)) (list source buffer))))
    (if (and here wisp-select-review-window)
        (progn
          (pop-to-buffer buffer)
          (message "wisp: %s (a: apply hunk, A: apply all, k: reject, q: quit)" summary))
      (display-buffer buffer)
      (message "wisp: %s; %s" summary
               (if here
                   (substitute-command-keys
                    "review it with \\[other-window] or M-x wisp-review")
                 (format "M-x wisp-review shows the change for %s" (buffer-name source)))))))

(defun wisp--review-buffers ()
  "Review buffers whose source buffer is live, in `buffer-list' order."
  (cl-remove-if-not (lambda (b) (buffer-live-p (buffer-local-value 'wisp--source b)))
                    (buffer-list)))

;;;###autoload
(defun wisp-review ()
  "Go to the review of the current buffer's latest wisp change.
From a buffer with no pending review, go to the latest review."
  (interactive)
  (let* ((reviews (wisp--review-buffers))
         (buffer (or (cl-find-if (lambda (b) (eq (buffer-local-value 'wisp--source b)
                                                  (current-buffer)))
                                 reviews)
                     (car reviews))))
    (unless buffer (user-error "Wisp: no change is waiting for review"))
    (pop-to-buffer buffer)))

(defun wisp--hunk-number (pos)
  "The 1-based number of the hunk starting at POS among this review's hunks."
  (save-excursion
    (goto-char (point-min))
    (let ((n 0))
      (while (and (re-search-forward "^@@ " nil t) (<= (match-beginning 0) pos))
        (setq n (1+ n)))
      n)))

(defun wisp--remove-hunk (bounds)
  "Delete the hunk at BOUNDS from the diff buffer; quit when none is left."
  (wisp--delete-hunks (list (list nil (car bounds) (cdr bounds))))
  (if (save-excursion (goto-char (point-min)) (re-search-forward "^@@ " nil t))
      (ignore-errors (diff-beginning-of-hunk t))
    (wisp-diff-quit)))

(defun wisp--check-source ()
  "Signal a `user-error' when the source buffer is gone."
  (unless (buffer-live-p wisp--source)
    (user-error "Wisp: the buffer this diff was made for is gone")))

(defun wisp-diff-apply-hunk ()
  "Apply the hunk at point to the buffer of its file (not to the file).
When that buffer changed since the request, the hunk is merged with
your edits, or refused when it overlaps them."
  (interactive)
  (let* ((bounds (wisp--hunk-at-point))
         (refused (caar (wisp--apply-hunks (list (wisp--hunk-entry bounds))))))
    (when refused
      (user-error "Wisp: %s; r re-runs the request"
                  (wisp--conflict-message (car (last refused)) (wisp--hunk-number (car bounds)))))
    (wisp--remove-hunk bounds)))

(defun wisp-diff-apply-all ()
  "Apply every remaining hunk, each changed buffer one undo step.
When a buffer changed since the request, hunks that overlap your edits
are not applied and stay in the review."
  (interactive)
  (let ((hunks (wisp--review-hunks)))
    (unless hunks (user-error "Wisp: no hunk left to apply"))
    (pcase-let* ((`(,refused . ,merged) (wisp--apply-hunks hunks))
                 (applied (cl-remove-if (lambda (h) (cl-find (nth 1 h) refused :key #'cadr :test #'eq)) hunks))
                 (buffers (mapconcat #'buffer-name
                                     (delete-dups (mapcar (lambda (h) (wisp--target-buffer (car h))) applied))
                                     ", "))
                 (why (mapconcat (lambda (r) (wisp--conflict-message
                                              (car (last r)) (1+ (cl-position (nth 1 r) hunks :key #'cadr :test #'eq))))
                                 refused ", ")))
      (when (and refused (null applied))
        (user-error "Wisp: %s; r re-runs the request" why))
      (wisp--delete-hunks applied)
      (if (null refused)
          (progn
            (wisp-diff-quit)
            (message "wisp: applied %d hunk(s) to %s%s (undo reverts them)" (length applied) buffers
                     (if merged ", merged with your edits" "")))
        (goto-char (point-min))
        (ignore-errors (diff-hunk-next))
        (message "wisp: applied %d hunk(s) to %s; %s and stay%s here (r re-runs the request)"
                 (length applied) buffers why (if (cdr refused) "" "s"))))))

(defun wisp-diff-reject-hunk ()
  "Drop the hunk at point without applying it."
  (interactive)
  (wisp--remove-hunk (wisp--hunk-at-point)))

(defun wisp-diff-rerun ()
  "Run the request of this diff again on the source buffer's current text."
  (interactive)
  (wisp--check-source)
  (let ((rerun (plist-get wisp--origin :rerun)) (source wisp--source))
    (wisp-diff-quit)
    (with-current-buffer source (funcall rerun))))

(defun wisp-diff-refine (note)
  "Ask again for this change, with NOTE saying what to do differently.
The model sees its proposal and NOTE (\"keep the old name\"); the new
proposal replaces this review.  It answers the same request, made on
the text as it was sent, so edits made since are merged on applying."
  (interactive (list (read-string "Refine (a note for the model): ")))
  (wisp--check-source)
  (when (string-blank-p note) (user-error "Wisp: write a note saying what to change"))
  (let ((origin wisp--origin))
    (with-current-buffer wisp--source
      (funcall (plist-get origin :send)
               (cons `(refine . ((patch . ,(plist-get origin :patch))
                                    (note . ,note)
                                    (rationale . ,(or (plist-get origin :rationale) ""))))
                     (plist-get origin :params))
               origin))))

(defun wisp-diff-quit ()
  "Close the diff; hunks not applied are dropped."
  (interactive)
  (let ((buffer (current-buffer)))
    (quit-windows-on buffer)
    (kill-buffer buffer)))

(provide 'wisp-diff)
;;; wisp-diff.el ends here
