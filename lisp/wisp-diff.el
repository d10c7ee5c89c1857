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
;; reject its hunks.  A hunk is located by its text at the line the diff
;; names (shifted by the hunks applied before it).  When the source
;; buffer changed since the request, lamp's wisp.rebase merges the hunks
;; three ways (the text sent, the buffer now, the proposal) and the
;; merged diff is applied; a hunk that overlaps the user's edits is
;; refused and stays in the review.

;;; Code:

(require 'cl-lib)
(require 'diff-mode)
(require 'subr-x)
(require 'wisp-annotate)

(declare-function evil-define-key* "evil-core")
(declare-function wisp--error-message "wisp-errors")

(defvar-local wisp--source nil "The buffer the diff in this buffer applies to.")
(defvar-local wisp--source-tick nil "SOURCE's `buffer-chars-modified-tick' the diff is based on.")
(defvar-local wisp--shifts nil "Applied hunks as (OLD-START . LINE-DELTA), for later hunks.")
(defvar-local wisp--origin nil
  "The request (plist) this diff answers; its :rerun function asks again.")

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
            wisp--source-tick (plist-get request :tick)
            wisp--shifts nil
            ;; The proposal shown, which `R' sends back with a note (and gets back
            ;; should the refinement bring nothing).
            wisp--origin (append (list :patch (alist-get 'patch result) :rationale rationale
                                       :result result)
                                 request))
      (setq header-line-format
            (let ((line (if instructions summary (wisp--first-line rationale))))
              (and line (concat " " line))))
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

(defun wisp--parse-hunk (text)
  "Parse the hunk TEXT into (OLD-START OLD-TEXT NEW-TEXT)."
  (unless (string-match "\\`@@ -\\([0-9]+\\)\\(?:,\\([0-9]+\\)\\)? \\+[0-9]+\\(?:,[0-9]+\\)? @@" text)
    (error "Not a hunk"))
  (let* ((start (string-to-number (match-string 1 text)))
         (count (if (match-string 2 text) (string-to-number (match-string 2 text)) 1))
         (old nil) (new nil) (last nil))
    (dolist (line (cdr (split-string text "\n")))
      (pcase (and (> (length line) 0) (aref line 0))
        (?\s (push (substring line 1) old) (push (substring line 1) new) (setq last 'both))
        (?- (push (substring line 1) old) (setq last 'old))
        (?+ (push (substring line 1) new) (setq last 'new))
        (?\\ (pcase last                  ; "\ No newline at end of file"
               ('old (push 'no-eol old)) ('new (push 'no-eol new))
               ('both (push 'no-eol old) (push 'no-eol new))))))
    (cl-flet ((join (lines)
                (let ((out ""))
                  (dolist (l (reverse lines) out)
                    (if (eq l 'no-eol)
                        (setq out (substring out 0 -1))
                      (setq out (concat out l "\n")))))))
      ;; A pure insertion (count 0) goes after line START.
      (list (if (zerop count) (1+ start) start) (join old) (join new)))))

(defun wisp--hunk-at-point ()
  "The bounds (BEG . END) of the hunk at point in the diff buffer."
  (save-excursion
    (unless (ignore-errors (diff-beginning-of-hunk t) t)
      (user-error "Wisp: no hunk at point"))
    (let ((bounds (diff-bounds-of-hunk)))
      (cons (car bounds) (cadr bounds)))))

(defun wisp--locate (old-text line)
  "Return the position of OLD-TEXT in the current buffer, expected at LINE.
The text must match exactly there, or once elsewhere when the buffer changed."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (forward-line (1- line))
      (cond ((and (<= (+ (point) (length old-text)) (1+ (buffer-size)))
                  (string= old-text (buffer-substring-no-properties (point) (+ (point) (length old-text)))))
             (point))
            ((string-empty-p old-text) nil)
            (t (goto-char (point-min))
               (let ((first (search-forward old-text nil t)))
                 (and first (not (search-forward old-text nil t))
                      (- first (length old-text)))))))))

(defun wisp--apply-hunk-text (text)
  "Apply the hunk TEXT to the source buffer; return non-nil when applied."
  (pcase-let* ((`(,start ,old ,new) (wisp--parse-hunk text))
               (shift (cl-loop for (s . delta) in wisp--shifts when (< s start) sum delta))
               (source wisp--source)
               (stale (/= (buffer-chars-modified-tick source) wisp--source-tick))
               (pos (with-current-buffer source (wisp--locate old (+ start shift)))))
    (unless pos
      (user-error (if stale
                      "Wisp: %s changed since the request and this hunk no longer applies; press r to run wisp again"
                    "Wisp: this hunk does not match %s")
                  (buffer-name source)))
    (with-current-buffer source
      (save-excursion
        (save-restriction
          (widen)
          (goto-char pos)
          (delete-region pos (+ pos (length old)))
          (insert new))))
    (push (cons start (- (cl-count ?\n new) (cl-count ?\n old))) wisp--shifts)
    (unless stale (setq wisp--source-tick (buffer-chars-modified-tick source)))
    t))

;;;; Applying after the buffer changed: wisp.rebase (docs/protocol.md, Methods)

(defcustom wisp-rebase-timeout 10
  "Seconds to wait for lamp to merge hunks with edits made meanwhile."
  :type 'number
  :group 'wisp)

(defun wisp--stale-p ()
  "Non-nil when the source buffer changed since the diff was made for it."
  (/= (buffer-chars-modified-tick wisp--source) wisp--source-tick))

(defun wisp--rebase-p ()
  "Non-nil when hunks must be merged with edits made since the request."
  (and (wisp--stale-p) (plist-get wisp--origin :base-text)
       (plist-get wisp--origin :request-sync)))

(defun wisp--diff-headers ()
  "The \"--- \" and \"+++ \" lines of the diff in this buffer."
  (save-excursion
    (goto-char (point-min))
    (unless (re-search-forward "^--- .*\n\\+\\+\\+ .*\n" nil t)
      (user-error "Wisp: this review has no diff headers"))
    (match-string-no-properties 0)))

(defun wisp--split-hunks (patch)
  "The hunks of the unified diff PATCH, as strings starting with \"@@ \"."
  (let ((starts nil) (pos 0))
    (while (string-match "^@@ " patch pos)
      (push (match-beginning 0) starts)
      (setq pos (match-end 0)))
    (setq starts (nreverse starts))
    (cl-loop for (start next) on starts
             collect (substring patch start next))))

(defun wisp--rebase (hunks)
  "Ask lamp to merge HUNKS (texts of this review) with the source's edits.
Return (PATCH . CONFLICTS): PATCH a diff of the source buffer's current
text, CONFLICTS wisp.rebase's entries for the hunks it could not merge
\(their `hunk' is an index into HUNKS).  A failure is a `user-error'."
  (let* ((source wisp--source)
         (params `((base_text . ,(plist-get wisp--origin :base-text))
                   (current_text . ,(with-current-buffer source
                                      (save-restriction
                                        (widen)
                                        (buffer-substring-no-properties (point-min) (point-max)))))
                   (patch . ,(apply #'concat (wisp--diff-headers) hunks))))
         (result (condition-case err
                     (funcall (plist-get wisp--origin :request-sync)
                              "wisp.rebase" params wisp-rebase-timeout)
                   (lamp-error (user-error "%s" (wisp--error-message err))))))
    (cons (alist-get 'patch result) (alist-get 'conflicts result))))

(defun wisp--apply-patch-exactly (patch)
  "Apply PATCH, a diff of the source buffer's current text, to it.
Every hunk is checked before the first change, so on a mismatch the
buffer is left as it was.  Return the number of hunks applied."
  (let ((edits
         (with-current-buffer wisp--source
           (save-excursion
             (save-restriction
               (widen)
               (mapcar (lambda (hunk)
                         (pcase-let ((`(,line ,old ,new) (wisp--parse-hunk hunk)))
                           (goto-char (point-min))
                           (let ((pos (and (zerop (forward-line (1- line))) (point))))
                             (unless (and pos (<= (+ pos (length old)) (point-max))
                                          (string= old (buffer-substring-no-properties pos (+ pos (length old)))))
                               (user-error "Wisp: %s changed while the hunks were merged; apply again"
                                           (buffer-name)))
                             (list pos old new))))
                       (wisp--split-hunks patch)))))))
    (with-current-buffer wisp--source
      (save-excursion
        (save-restriction
          (widen)
          ;; Last hunk first, so earlier positions stay valid.
          (pcase-dolist (`(,pos ,old ,new) (reverse edits))
            (goto-char pos)
            (delete-region pos (+ pos (length old)))
            (insert new)))))
    (length edits)))

(defun wisp--conflict-message (conflict number)
  "The sentence refusing the hunk of CONFLICT, NUMBER in the review."
  (format "hunk %d (line %d) overlaps your edits" number (alist-get 'old_start conflict)))

(defun wisp--apply-rebased (hunks)
  "Merge HUNKS with the source's edits and apply what merges, as one undo step.
Return the conflicts (see `wisp--rebase'); nothing is applied on error."
  (pcase-let* ((`(,patch . ,conflicts) (wisp--rebase hunks))
               (source wisp--source)
               (group (prepare-change-group source))
               (done nil))
    (unwind-protect
        (progn
          (with-current-buffer source (activate-change-group group))
          (unless (string-empty-p (or patch "")) (wisp--apply-patch-exactly patch))
          (setq done t))
      (with-current-buffer source
        (if done
            (progn (undo-amalgamate-change-group group) (accept-change-group group))
          (cancel-change-group group))))
    conflicts))

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
  (let ((inhibit-read-only t))
    (delete-region (car bounds) (cdr bounds)))
  (if (save-excursion (goto-char (point-min)) (re-search-forward "^@@ " nil t))
      (ignore-errors (diff-beginning-of-hunk t))
    (wisp-diff-quit)))

(defun wisp--check-source ()
  "Signal a `user-error' when the source buffer is gone."
  (unless (buffer-live-p wisp--source)
    (user-error "Wisp: the buffer this diff was made for is gone")))

(defun wisp-diff-apply-hunk ()
  "Apply the hunk at point to the source buffer (not to the file)."
  (interactive)
  (wisp--check-source)
  (let* ((bounds (wisp--hunk-at-point))
         (text (buffer-substring-no-properties (car bounds) (cdr bounds))))
    (if (not (wisp--rebase-p))
        (wisp--apply-hunk-text text)
      (let ((conflict (car (wisp--apply-rebased (list text)))))
        (when conflict
          (user-error "Wisp: %s; r re-runs the request"
                      (wisp--conflict-message conflict (wisp--hunk-number (car bounds)))))))
    (wisp--remove-hunk bounds)))

(defun wisp-diff-apply-all ()
  "Apply every remaining hunk to the source buffer, as one undo step.
When the buffer changed since the request, hunks that overlap your
edits are not applied and stay in the review."
  (interactive)
  (wisp--check-source)
  (let ((hunks nil))
    (save-excursion
      (goto-char (point-min))
      (while (re-search-forward "^@@ " nil t)
        (let ((bounds (save-excursion (goto-char (match-beginning 0)) (wisp--hunk-at-point))))
          (push (buffer-substring-no-properties (car bounds) (cdr bounds)) hunks)
          (goto-char (cdr bounds)))))
    (unless hunks (user-error "Wisp: no hunk left to apply"))
    (if (wisp--rebase-p)
        (wisp--apply-all-rebased (nreverse hunks))
      (wisp--apply-all-unchanged hunks))))

(defun wisp--apply-all-rebased (hunks)
  "Merge HUNKS (every hunk of this review) with the source's edits and apply them.
Hunks that overlap the user's edits stay in the review, and are named."
  (let* ((source wisp--source)
         (conflicts (wisp--apply-rebased hunks))
         (refused (mapcar (lambda (c) (alist-get 'hunk c)) conflicts))
         (applied (- (length hunks) (length conflicts)))
         (why (mapconcat (lambda (c) (wisp--conflict-message c (1+ (alist-get 'hunk c))))
                         conflicts ", ")))
    (when (and conflicts (zerop applied))
      (user-error "Wisp: %s; r re-runs the request" why))
    ;; Drop the applied hunks from the review, last first; keep the refused ones.
    (cl-loop for i downfrom (1- (length hunks)) to 0
             unless (memql i refused)
             do (save-excursion
                  (goto-char (point-min))
                  (re-search-forward "^@@ " nil t (1+ i))
                  (let ((inhibit-read-only t)
                        (bounds (save-excursion (goto-char (match-beginning 0)) (wisp--hunk-at-point))))
                    (delete-region (car bounds) (cdr bounds)))))
    (if (null conflicts)
        (progn
          (wisp-diff-quit)
          (message "wisp: applied %d hunk(s) to %s, merged with your edits (undo reverts them)"
                   applied (buffer-name source)))
      (goto-char (point-min))
      (ignore-errors (diff-hunk-next))
      (message "wisp: applied %d hunk(s) to %s; %s and stay%s here (r re-runs the request)"
               applied (buffer-name source) why (if (cdr conflicts) "" "s")))))

(defun wisp--apply-all-unchanged (hunks)
  "Apply HUNKS (last hunk first) to the unchanged source buffer, as one undo step."
  (let ((source wisp--source))
    (let ((group (prepare-change-group source))
          (done nil))
      (unwind-protect
          (progn
            (with-current-buffer source (activate-change-group group))
            ;; Last hunk first, so earlier line numbers stay valid.
            (dolist (hunk hunks) (wisp--apply-hunk-text hunk))
            (setq done t))
        (with-current-buffer source
          (if done
              (progn (undo-amalgamate-change-group group) (accept-change-group group))
            (cancel-change-group group)))))
    (wisp-diff-quit)
    (message "wisp: applied %d hunk(s) to %s (undo reverts them)" (length hunks) (buffer-name source))))

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
