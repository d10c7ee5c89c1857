;;; wisp-apply.el --- Apply a review's hunks to the buffers they change  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-apply.el: the hunks of a review go to the buffers of the files they name (never to disk),
;; merged three ways with edits made since the request (wisp.rebase) when a buffer changed.

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

;; Part of wisp (see wisp.el).  A review buffer's diff has one section
;; ("--- a/REL", "+++ b/REL") per file it changes: the request's buffer
;; and the project files sent as context (docs/protocol.md).  Each
;; section has a *target*: the buffer it applies to (a context file not
;; visited is visited, never saved), the text that was sent for it, and
;; whether that buffer changed since.  An unchanged buffer gets a hunk
;; where its text is; a changed one gets it through lamp's wisp.rebase,
;; a three-way merge, and a hunk that overlaps the user's edits is
;; refused.

;;; Code:

(require 'cl-lib)
(require 'diff-mode)
(require 'subr-x)

(declare-function wisp--error-message "wisp-errors")

(defvar-local wisp--source nil "The buffer the request of this review was made in.")
(defvar-local wisp--origin nil
  "The request (plist) this diff answers; its :rerun function asks again.")
(defvar-local wisp--targets nil "The `wisp--target' of each file section of this review, in order.")

(defcustom wisp-rebase-timeout 10
  "Seconds to wait for lamp to merge hunks with edits made meanwhile."
  :type 'number
  :group 'wisp)

(cl-defstruct (wisp--target (:constructor wisp--target-create) (:copier nil))
  "A file a review changes."
  rel        ; its path in the diff (relative to the project root)
  file       ; the file to visit when BUFFER is gone (nil for the request's buffer)
  buffer     ; the buffer hunks go to, or nil until visited
  tick       ; BUFFER's `buffer-chars-modified-tick' for BASE, or nil to compare texts
  base       ; the text the request sent for it
  header     ; the section's "--- " and "+++ " lines
  shifts)    ; applied hunks as (OLD-START . LINE-DELTA), for later hunks

(defconst wisp--section-regexp "^--- .*\n\\+\\+\\+ \\(?:b/\\)?\\(.*\\)\n"
  "A file section's header lines; group 1 is the file's path.")

(defun wisp--make-targets (source request patch)
  "The targets of PATCH, the answer to REQUEST made in SOURCE.
REQUEST's :context lists the other files sent (plists :rel :file
:buffer :tick :text); a section naming none of them is SOURCE's."
  (let ((context (plist-get request :context))
        (targets nil) (pos 0))
    (while (string-match wisp--section-regexp patch pos)
      (let* ((rel (match-string 1 patch))
             (entry (cl-find rel context :key (lambda (c) (plist-get c :rel)) :test #'equal)))
        (push (if entry
                  (wisp--target-create :rel rel :file (plist-get entry :file)
                                       :buffer (plist-get entry :buffer) :tick (plist-get entry :tick)
                                       :base (plist-get entry :text) :header (match-string 0 patch))
                (wisp--target-create :rel rel :buffer source :tick (plist-get request :tick)
                                     :base (plist-get request :base-text) :header (match-string 0 patch)))
              targets)
        (setq pos (match-end 0))))
    (nreverse targets)))

(defun wisp--target-at (pos)
  "The target of the hunk at POS in this review."
  (save-excursion
    (goto-char pos)
    (end-of-line)
    (let ((rel (and (re-search-backward "^\\+\\+\\+ \\(?:b/\\)?\\(.*\\)$" nil t) (match-string-no-properties 1))))
      (or (cl-find rel wisp--targets :key #'wisp--target-rel :test #'equal)
          (car wisp--targets)
          (user-error "Wisp: this review names no file")))))

(defun wisp--target-live-buffer (target)
  "TARGET's buffer, visiting its file again when the buffer is gone."
  (let ((buffer (wisp--target-buffer target)))
    (unless (buffer-live-p buffer)
      (unless (wisp--target-file target)
        (user-error "Wisp: the buffer this diff was made for is gone"))
      ;; A buffer visited now: whether it changed is known by its text.
      (setq buffer (find-file-noselect (wisp--target-file target)))
      (setf (wisp--target-buffer target) buffer
            (wisp--target-tick target) nil))
    buffer))

(defun wisp--buffer-text (buffer)
  "The whole text of BUFFER, without properties."
  (with-current-buffer buffer
    (save-restriction (widen) (buffer-substring-no-properties (point-min) (point-max)))))

(defun wisp--target-stale-p (target)
  "Non-nil when TARGET's buffer changed since its text was sent."
  (let ((buffer (wisp--target-live-buffer target)))
    (if (wisp--target-tick target)
        (/= (buffer-chars-modified-tick buffer) (wisp--target-tick target))
      (if (equal (wisp--buffer-text buffer) (wisp--target-base target))
          (progn (setf (wisp--target-tick target) (buffer-chars-modified-tick buffer)) nil)
        t))))

(defun wisp--target-rebase-p (target)
  "Non-nil when TARGET's hunks must be merged with edits made since the request."
  (and (wisp--target-stale-p target) (wisp--target-base target)
       (plist-get wisp--origin :request-sync)))

;;;; Hunks

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

(defun wisp--hunk-entry (bounds)
  "The hunk at BOUNDS (BEG . END) as (TARGET BEG-MARKER END-MARKER TEXT)."
  (list (wisp--target-at (car bounds)) (copy-marker (car bounds)) (copy-marker (cdr bounds))
        (buffer-substring-no-properties (car bounds) (cdr bounds))))

(defun wisp--review-hunks ()
  "Every hunk of this review as a `wisp--hunk-entry', in order."
  (save-excursion
    (goto-char (point-min))
    (let ((hunks nil))
      (while (re-search-forward "^@@ " nil t)
        (let ((bounds (save-excursion (goto-char (match-beginning 0)) (wisp--hunk-at-point))))
          (push (wisp--hunk-entry bounds) hunks)
          (goto-char (cdr bounds))))
      (nreverse hunks))))

(defun wisp--delete-hunks (hunks)
  "Delete HUNKS (`wisp--hunk-entry's) from this review.
File headers left without hunks go too."
  (let ((inhibit-read-only t))
    (dolist (hunk hunks) (delete-region (nth 1 hunk) (nth 2 hunk)))
    (save-excursion
      (goto-char (point-max))
      (while (re-search-backward wisp--section-regexp nil t)
        (unless (save-excursion (goto-char (match-end 0)) (looking-at "@@ "))
          (delete-region (match-beginning 0) (match-end 0)))))))

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

(defun wisp--apply-hunk-text (target text)
  "Apply the hunk TEXT to TARGET's buffer.
When the buffer changed since the request (and lamp cannot merge), the
hunk's text must still be found once."
  (pcase-let* ((`(,start ,old ,new) (wisp--parse-hunk text))
               (shift (cl-loop for (s . delta) in (wisp--target-shifts target) when (< s start) sum delta))
               (buffer (wisp--target-live-buffer target))
               (stale (wisp--target-stale-p target))
               (pos (with-current-buffer buffer (wisp--locate old (+ start shift)))))
    (unless pos
      (user-error (if stale
                      "Wisp: %s changed since the request and this hunk no longer applies; press r to run wisp again"
                    "Wisp: this hunk does not match %s")
                  (buffer-name buffer)))
    (with-current-buffer buffer
      (save-excursion
        (save-restriction
          (widen)
          (goto-char pos)
          (delete-region pos (+ pos (length old)))
          (insert new))))
    (push (cons start (- (cl-count ?\n new) (cl-count ?\n old))) (wisp--target-shifts target))
    (unless stale (setf (wisp--target-tick target) (buffer-chars-modified-tick buffer)))))

;;;; Applying after a buffer changed: wisp.rebase (docs/protocol.md, Methods)

(defun wisp--split-hunks (patch)
  "The hunks of the unified diff PATCH, as strings starting with \"@@ \"."
  (let ((starts nil) (pos 0))
    (while (string-match "^@@ " patch pos)
      (push (match-beginning 0) starts)
      (setq pos (match-end 0)))
    (setq starts (nreverse starts))
    (cl-loop for (start next) on starts
             collect (substring patch start next))))

(defun wisp--rebase (target hunks)
  "Ask lamp to merge HUNKS (texts of TARGET's section) with its buffer's edits.
Return (PATCH . CONFLICTS): PATCH a diff of the buffer's current text,
CONFLICTS wisp.rebase's entries for the hunks it could not merge
\(their `hunk' is an index into HUNKS).  A failure is a `user-error'."
  (let* ((params `((base_text . ,(wisp--target-base target))
                   (current_text . ,(wisp--buffer-text (wisp--target-live-buffer target)))
                   (patch . ,(apply #'concat (wisp--target-header target) hunks))))
         (result (condition-case err
                     (funcall (plist-get wisp--origin :request-sync)
                              "wisp.rebase" params wisp-rebase-timeout)
                   (lamp-error (user-error "%s" (wisp--error-message err))))))
    (cons (alist-get 'patch result) (alist-get 'conflicts result))))

(defun wisp--apply-patch-exactly (buffer patch)
  "Apply PATCH, a diff of BUFFER's current text, to it.
Every hunk is checked before the first change, so on a mismatch the
buffer is left as it was."
  (with-current-buffer buffer
    (save-excursion
      (save-restriction
        (widen)
        (let ((edits
               (mapcar (lambda (hunk)
                         (pcase-let ((`(,line ,old ,new) (wisp--parse-hunk hunk)))
                           (goto-char (point-min))
                           (let ((pos (and (zerop (forward-line (1- line))) (point))))
                             (unless (and pos (<= (+ pos (length old)) (point-max))
                                          (string= old (buffer-substring-no-properties pos (+ pos (length old)))))
                               (user-error "Wisp: %s changed while the hunks were merged; apply again"
                                           (buffer-name)))
                             (list pos old new))))
                       (wisp--split-hunks patch))))
          ;; Last hunk first, so earlier positions stay valid.
          (pcase-dolist (`(,pos ,old ,new) (reverse edits))
            (goto-char pos)
            (delete-region pos (+ pos (length old)))
            (insert new)))))))

(defun wisp--conflict-message (conflict number)
  "The sentence refusing the hunk of CONFLICT, NUMBER in the review."
  (format "hunk %d (line %d) overlaps your edits" number (alist-get 'old_start conflict)))

(defun wisp--call-with-undo-steps (buffers fn)
  "Call FN and make what it does to each of BUFFERS one undo step there.
When FN fails, every buffer is left as it was."
  (let ((groups (mapcar (lambda (b) (cons b (prepare-change-group b))) buffers))
        (done nil))
    (unwind-protect
        (progn
          (pcase-dolist (`(,buffer . ,group) groups)
            (with-current-buffer buffer (activate-change-group group)))
          (prog1 (funcall fn) (setq done t)))
      (pcase-dolist (`(,buffer . ,group) groups)
        (with-current-buffer buffer
          (if done
              (progn (undo-amalgamate-change-group group) (accept-change-group group))
            (cancel-change-group group)))))))

(defun wisp--apply-hunks (hunks)
  "Apply HUNKS, entries of `wisp--review-hunks', each buffer one undo step.
Buffers changed since the request get their hunks merged (wisp.rebase);
all merges are asked for before the first change.  Return (REFUSED
. MERGED): REFUSED the entries of HUNKS that were refused, each with its
conflict appended; MERGED non-nil when some buffer's hunks were merged."
  (let* ((targets (cl-remove-duplicates (mapcar #'car hunks) :test #'eq :from-end t))
         (plans                         ; (TARGET REBASED-PATCH-OR-NIL OWN-HUNKS)
          (mapcar (lambda (target)
                    (let ((own (cl-remove-if-not (lambda (h) (eq (car h) target)) hunks)))
                      (if (wisp--target-rebase-p target)
                          (list target (wisp--rebase target (mapcar #'cl-fourth own)) own)
                        (list target nil own))))
                  targets))
         (refused nil))
    (wisp--call-with-undo-steps
     (mapcar #'wisp--target-live-buffer targets)
     (lambda ()
       (pcase-dolist (`(,target ,rebased ,own) plans)
         (if (not rebased)
             ;; Last hunk first, so earlier line numbers stay valid.
             (dolist (hunk (reverse own)) (wisp--apply-hunk-text target (cl-fourth hunk)))
           (let ((patch (car rebased)))
             (unless (string-empty-p (or patch ""))
               (wisp--apply-patch-exactly (wisp--target-live-buffer target) patch)))
           (dolist (conflict (cdr rebased))
             (push (append (nth (alist-get 'hunk conflict) own) (list conflict)) refused))))))
    (cons (nreverse refused) (cl-some #'cadr plans))))

(provide 'wisp-apply)
;;; wisp-apply.el ends here
