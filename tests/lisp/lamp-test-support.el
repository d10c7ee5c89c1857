;;; lamp-test-support.el --- Shared set-up of the lamp.el ERT suites  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-test-support.el: the server binary and transport under test (from the environment),
;; where lamp-module.so is, and waiting helpers; loaded by lamp-test.el and lamp-fault-test.el.

;;; Commentary:

;; Environment:
;;   LAMP_TEST_SERVER      the lamp binary (required)
;;   LAMP_TEST_MODULE_DIR  the directory holding lamp-module.so
;;   LAMP_TEST_TRANSPORT   `module' or `elisp' (default `elisp')

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'lamp)

(defvar lamp-test-server-program
  (let ((program (getenv "LAMP_TEST_SERVER")))
    (and program (expand-file-name program)))
  "The lamp binary the tests run.")

(defvar lamp-test-transport (intern (or (getenv "LAMP_TEST_TRANSPORT") "elisp"))
  "The transport under test.")

(let ((dir (getenv "LAMP_TEST_MODULE_DIR")))
  (when dir
    (setq lamp-module-file (expand-file-name (concat "lamp-module" module-file-suffix) dir))))
(setq lamp-module-compile-when-missing 'never)

(defun lamp-test--wait (predicate &optional timeout)
  "Process events until PREDICATE returns non-nil or TIMEOUT seconds pass.
Return PREDICATE's value."
  (let ((deadline (+ (float-time) (or timeout 10)))
        value)
    (while (and (not (setq value (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.01))
    value))

(defun lamp-test--socket-answers-p (socket)
  "Return non-nil when a server accepts connections on SOCKET."
  (condition-case nil
      (progn (delete-process (make-network-process :name "lamp-test-probe" :family 'local
                                                   :service socket :noquery t))
             t)
    (error nil)))

(provide 'lamp-test-support)
;;; lamp-test-support.el ends here
