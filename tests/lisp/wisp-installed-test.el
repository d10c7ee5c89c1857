;;; wisp-installed-test.el --- First use of the installed package in a clean Emacs  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-installed-test.el: run by wisp-installed-test.sh in `emacs -Q' with only the installed
;; directory on load-path, set up as the README says; types C-c w and A on a copy of an example.

;;; Commentary:

;; Environment (set by wisp-installed-test.sh):
;;   WISP_INSTALLED_LISPDIR   the installed package directory
;;   WISP_INSTALLED_VARIANT   `compiled' or `source' (only .el files)
;;   WISP_EXAMPLE             examples/fizzbuzz.py
;; and OPENAI_BASE_URL, LAMP_UDS, HOME, maybe OPENAI_API_KEY.

;;; Code:

(require 'ert)

(defvar wisp-installed-test--dir (getenv "WISP_INSTALLED_LISPDIR"))
(defvar wisp-installed-test--variant (getenv "WISP_INSTALLED_VARIANT"))

;; The README's set-up: the directory on load-path, the autoloads, a key for the command.
(add-to-list 'load-path wisp-installed-test--dir)
(require 'wisp-autoloads)
(global-set-key (kbd "C-c w") #'wisp-apply-comment)

(defun wisp-installed-test--wait (predicate &optional timeout)
  "Process events until PREDICATE is non-nil or TIMEOUT seconds pass."
  (let ((deadline (+ (float-time) (or timeout 20))) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    value))

(ert-deftest wisp-installed-first-use ()
  "Nothing but the autoloads is loaded; C-c w starts lamp, shows the review, A applies it."
  (should-not (featurep 'wisp))
  (should-not (featurep 'lamp))
  (should (autoloadp (symbol-function 'wisp-apply-comment)))
  (let* ((work (make-temp-file "wisp-installed" t))
         (file (expand-file-name "fizzbuzz.py" work))
         (shown nil))
    (copy-file (getenv "WISP_EXAMPLE") file)
    (unwind-protect
        (progn
          (find-file file)
          (delete-other-windows)
          (goto-char (point-min))
          (search-forward "# TODO")
          ;; What the echo area would show if the command failed.
          (condition-case err (execute-kbd-macro (kbd "C-c w"))
            (error (setq shown (error-message-string err))))
          (should (equal shown nil))
          (should (featurep 'wisp))
          (should (string-prefix-p (file-name-as-directory wisp-installed-test--dir)
                                   (symbol-file 'wisp-apply-comment)))
          (should (equal (file-name-extension (symbol-file 'wisp-apply-comment))
                         (if (equal wisp-installed-test--variant "compiled") "elc" "el")))
          (should (wisp-installed-test--wait
                   (lambda () (eq (buffer-local-value 'major-mode (window-buffer (selected-window)))
                                  'wisp-diff-mode))))
          ;; The module installed next to lamp.el was found and used.
          (should (eq (plist-get (lamp-status) :transport) 'module))
          (condition-case err (execute-kbd-macro (kbd "A"))
            (error (setq shown (error-message-string err))))
          (should (equal shown nil))
          (with-current-buffer (get-file-buffer file)
            (should (string-match-p "return \"FizzBuzz\"" (buffer-string)))
            (set-buffer-modified-p nil)))
      (when (fboundp 'lamp-disconnect) (lamp-disconnect t))
      (delete-directory work t))))

(provide 'wisp-installed-test)
;;; wisp-installed-test.el ends here
