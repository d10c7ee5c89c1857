;;; lamp-lint.el --- Byte-compile and checkdoc lisp/*.el, failing on any warning  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-lint.el: the lint gate for the Emacs Lisp sources (zero byte-compiler warnings, zero
;; checkdoc complaints, no `require' or `declare-function' cycle between the files).

;;; Commentary:

;; Run from the source tree:
;;   emacs -Q --batch -l tests/lisp/lamp-lint.el -f lamp-lint-batch

;;; Code:

(require 'bytecomp)
(require 'cl-lib)
(require 'checkdoc)

(defun lamp-lint--byte-compile (file out-dir)
  "Byte-compile FILE into OUT-DIR; return the number of problems."
  (let ((byte-compile-error-on-warn t)
        (byte-compile-dest-file-function
         (lambda (source) (expand-file-name (concat (file-name-nondirectory source) "c") out-dir))))
    (if (condition-case err
            (byte-compile-file file)
          (error (message "%s: %s" file (error-message-string err)) nil))
        0
      (message "FAIL byte-compile: %s" file)
      1)))

(defun lamp-lint--checkdoc (file)
  "Run checkdoc on FILE; return the number of complaints."
  (let ((checkdoc-diagnostic-buffer "*lamp-lint-checkdoc*")
        (checkdoc-spellcheck-documentation-flag nil)
        (count 0))
    (when (get-buffer checkdoc-diagnostic-buffer) (kill-buffer checkdoc-diagnostic-buffer))
    (with-current-buffer (find-file-noselect file)
      (checkdoc-current-buffer t))
    (when (get-buffer checkdoc-diagnostic-buffer)
      (with-current-buffer checkdoc-diagnostic-buffer
        (goto-char (point-min))
        (while (re-search-forward "^[^*\n][^\n]*:[0-9]+: .*$" nil t)
          (message "checkdoc: %s" (match-string 0))
          (setq count (1+ count)))))
    count))

(defun lamp-lint--dependencies (file features)
  "The FEATURES that FILE requires or declares functions from."
  (let (deps)
    (with-temp-buffer
      (insert-file-contents file)
      (goto-char (point-min))
      (while (re-search-forward
              "^(\\(?:require '\\([-a-z]+\\)\\|declare-function [^ ]+ \"\\([-a-z]+\\)\"\\)" nil t)
        (let ((feature (intern (or (match-string 1) (match-string 2)))))
          (when (memq feature features) (cl-pushnew feature deps)))))
    deps))

(defun lamp-lint--cycles (files)
  "Report each `require'/`declare-function' cycle among FILES; return their number."
  (let* ((features (mapcar (lambda (f) (intern (file-name-base f))) files))
         (graph (cl-mapcar (lambda (file feature) (cons feature (lamp-lint--dependencies file features)))
                           files features))
         (done nil)
         (count 0))
    (cl-labels ((visit (feature path)
                  (cond ((memq feature path)
                         (message "cycle: %s" (mapconcat #'symbol-name
                                                         (reverse (cons feature path)) " -> "))
                         (cl-incf count))
                        ((not (memq feature done))
                         (dolist (dep (alist-get feature graph)) (visit dep (cons feature path)))
                         (push feature done)))))
      (dolist (feature features) (visit feature nil)))
    count))

(defun lamp-lint-batch ()
  "Lint every lisp/*.el file and exit with status 1 on any problem."
  (let* ((lisp-dir (expand-file-name "lisp"))
         (out-dir (make-temp-file "lamp-lint" t))
         (files (directory-files lisp-dir t "\\`[^.#].*\\.el\\'"))
         (problems 0))
    (add-to-list 'load-path lisp-dir)
    (setq problems (lamp-lint--cycles files))
    (unwind-protect
        (dolist (file files)
          (setq problems (+ problems
                            (lamp-lint--byte-compile file out-dir)
                            (lamp-lint--checkdoc file))))
      (delete-directory out-dir t))
    (message "lamp-lint: %d file(s), %d problem(s)" (length files) problems)
    (kill-emacs (if (zerop problems) 0 1))))

(provide 'lamp-lint)
;;; lamp-lint.el ends here
