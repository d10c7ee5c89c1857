;;; wisp-context.el --- Project files the model sees with every wisp request  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-context.el: the files a user adds to a project's context are sent (their buffers' unsaved
;; text when visited) with every wisp request in that project, and the model may change them too.

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

;; Part of wisp (see wisp.el).  M-x wisp-context-add adds the current
;; buffer's file (with a prefix argument, a project file read with
;; completion) to the context of its project (project.el); every wisp
;; request made in that project then sends those files as wisp.patch's
;; `files' (docs/protocol.md), so the model sees them and its diff may
;; change them.  M-x wisp-context-remove and M-x wisp-context-clear take
;; files out; M-x wisp-context lists them, and `d' there removes one.

;;; Code:

(require 'cl-lib)
(require 'project)
(require 'subr-x)
(require 'tabulated-list)
(require 'wisp-apply)

(defconst wisp--max-context-files 50
  "The most files one wisp.patch request carries in `files' (docs/protocol.md).")

(defvar wisp--contexts (make-hash-table :test #'equal)
  "The context of each project.
A table from the project's root directory to absolute file names.")

(defun wisp--project-root ()
  "The current project's root directory, or nil."
  (when-let ((project (project-current nil)))
    (expand-file-name (project-root project))))

(defun wisp--context-root ()
  "The current project's root, or a `user-error' saying there is none."
  (or (wisp--project-root)
      (user-error "Wisp: %s is in no project (project.el finds none), so it has no context"
                  (buffer-name))))

(defun wisp--context-of (root)
  "The context files of the project at ROOT, dropping those that no longer exist."
  (let ((files (cl-remove-if-not #'file-exists-p (gethash root wisp--contexts))))
    (if files (puthash root files wisp--contexts) (remhash root wisp--contexts))
    files))

(defun wisp--context-summary (root)
  "Return a sentence saying how many files are in the context of ROOT."
  (let ((n (length (wisp--context-of root))))
    (format "the context of %s has %s" (abbreviate-file-name root)
            (if (= n 1) "1 file" (format "%d files" n)))))

;;;###autoload
(defun wisp-context-add (file)
  "Add FILE to the context of its project, sent with every wisp request there.
Interactively, the current buffer's file; with a prefix argument, a
project file read with completion.  A buffer visiting it sends its
text as it is, saved or not."
  (interactive
   (list (if current-prefix-arg
             (let* ((root (wisp--context-root))
                    (files (project-files (project-current nil))))
               (expand-file-name
                (completing-read "Add to the wisp context: "
                                 (mapcar (lambda (f) (file-relative-name f root)) files) nil t)
                root))
           (or buffer-file-name
               (user-error "Wisp: %s visits no file; add a file of the project (C-u M-x wisp-context-add)"
                           (buffer-name))))))
  (let* ((file (expand-file-name file))
         (root (let ((default-directory (file-name-directory file))) (wisp--context-root)))
         (files (wisp--context-of root)))
    (unless (file-in-directory-p file root)
      (user-error "Wisp: %s is outside the project %s" file (abbreviate-file-name root)))
    (cond ((member file files)
           (message "wisp: %s is already in the context; %s" (file-relative-name file root)
                    (wisp--context-summary root)))
          ((>= (length files) wisp--max-context-files)
           (user-error "Wisp: the context holds %d files, the most one request sends; remove one first"
                       wisp--max-context-files))
          (t (puthash root (append files (list file)) wisp--contexts)
             (message "wisp: added %s; %s" (file-relative-name file root) (wisp--context-summary root))))))

;;;###autoload
(defun wisp-context-remove (file)
  "Remove FILE from the context of the current project.
Interactively, the current buffer's file when it is in the context,
else a context file read with completion."
  (interactive
   (let* ((root (wisp--context-root))
          (files (or (wisp--context-of root)
                     (user-error "Wisp: the context of %s is empty" (abbreviate-file-name root)))))
     (list (if (and buffer-file-name (member (expand-file-name buffer-file-name) files))
               buffer-file-name
             (expand-file-name
              (completing-read "Remove from the wisp context: "
                               (mapcar (lambda (f) (file-relative-name f root)) files) nil t)
              root)))))
  (let* ((file (expand-file-name file))
         (root (let ((default-directory (file-name-directory file))) (wisp--context-root)))
         (files (wisp--context-of root)))
    (unless (member file files)
      (user-error "Wisp: %s is not in the context" (file-relative-name file root)))
    (puthash root (delete file (copy-sequence files)) wisp--contexts)
    (message "wisp: removed %s; %s" (file-relative-name file root) (wisp--context-summary root))))

;;;###autoload
(defun wisp-context-clear ()
  "Remove every file from the context of the current project."
  (interactive)
  (let ((root (wisp--context-root)))
    (remhash root wisp--contexts)
    (message "wisp: %s" (wisp--context-summary root))))

;;;; What a request sends

(defun wisp--context-entries (root exclude)
  "The context of ROOT as a request sends it, without the file EXCLUDE.
Each entry is a plist (:rel :file :buffer :tick :text): a visiting
buffer's text, saved or not, and its `buffer-chars-modified-tick';
else the file's contents."
  (cl-loop for file in (and root (wisp--context-of root))
           unless (and exclude (file-equal-p file exclude))
           collect (let ((buffer (find-buffer-visiting file)))
                     (list :rel (file-relative-name file root) :file file :buffer buffer
                           :tick (and buffer (buffer-chars-modified-tick buffer))
                           :text (if buffer
                                     (wisp--buffer-text buffer)
                                   (with-temp-buffer
                                     (insert-file-contents file)
                                     (buffer-string)))))))

;;;; The *wisp context* buffer

(defvar-local wisp--context-root nil "The project root whose context this buffer lists.")

(defvar wisp-context-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "d") #'wisp-context-list-remove)
    (define-key map (kbd "RET") #'wisp-context-list-visit)
    map)
  "Keymap of `wisp-context-mode'.")

(define-derived-mode wisp-context-mode tabulated-list-mode "Wisp-Context"
  "The files wisp sends as context in one project.
\\{wisp-context-mode-map}"
  (setq tabulated-list-format [("File" 50 t) ("Size" 10 nil :right-align t) ("Buffer" 0 nil)])
  (setq tabulated-list-padding 2)
  (add-hook 'tabulated-list-revert-hook #'wisp--context-list-refresh nil t)
  (tabulated-list-init-header))

(defun wisp--context-list-refresh ()
  "Fill `tabulated-list-entries' from the context of this buffer's project."
  (setq tabulated-list-entries
        (mapcar (lambda (file)
                  (let ((buffer (find-buffer-visiting file)))
                    (list file
                          (vector (file-relative-name file wisp--context-root)
                                  (file-size-human-readable
                                   (or (file-attribute-size (file-attributes file)) 0))
                                  (cond ((null buffer) "")
                                        ((buffer-modified-p buffer) "visited, unsaved changes are sent")
                                        (t "visited"))))))
                (wisp--context-of wisp--context-root)))
  (setq header-line-format
        (concat " " (wisp--context-summary wisp--context-root)
                (substitute-command-keys
                 "  \\<wisp-context-mode-map>\\[wisp-context-list-remove] removes, \\[wisp-context-list-visit] visits"))))

;;;###autoload
(defun wisp-context ()
  "List the files sent as context with wisp requests in the current project."
  (interactive)
  (let ((root (wisp--context-root))
        (buffer (get-buffer-create "*wisp context*")))
    (with-current-buffer buffer
      (wisp-context-mode)
      (setq wisp--context-root root)
      (wisp--context-list-refresh)
      (tabulated-list-print))
    (pop-to-buffer buffer)))

(defun wisp-context-list-remove ()
  "Remove the file at point from the context."
  (interactive)
  (let ((file (or (tabulated-list-get-id) (user-error "Wisp: no file on this line"))))
    (wisp-context-remove file)
    (revert-buffer)))

(defun wisp-context-list-visit ()
  "Visit the file at point."
  (interactive)
  (find-file (or (tabulated-list-get-id) (user-error "Wisp: no file on this line"))))

(provide 'wisp-context)
;;; wisp-context.el ends here
