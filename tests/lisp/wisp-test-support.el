;;; wisp-test-support.el --- Shared set-up of the wisp ERT suites  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-test-support.el: the real lamp and the fake upstream started once per Emacs, copies of
;; examples/ to edit, keys typed as a user types them, and what the echo area said.

;;; Commentary:

;; Builds on lamp-test-support.el (the environment it reads: the lamp
;; binary, the module directory, the transport under test).

;;; Code:

(load (expand-file-name "lamp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)
(require 'url)
(require 'wisp)

(defvar wisp-test--root
  (expand-file-name "../.." (file-name-directory (or load-file-name buffer-file-name)))
  "The source tree.")

(setq lamp-transport lamp-test-transport
      lamp-auto-start nil)

(defvar wisp-test--dir nil "Private directory of the servers.")
(defvar wisp-test--fake nil "The fake upstream process.")
(defvar wisp-test--lamp nil "The lamp process.")
(defvar wisp-test--port nil "The fake upstream's port.")

(defalias 'wisp-test--wait #'lamp-test--wait)

(defun wisp-test--control (path &optional body)
  "Call the fake upstream's control PATH, POSTing BODY (a Lisp value) when given."
  (let* ((url-request-method (if body "POST" "GET"))
         (url-request-extra-headers '(("Content-Type" . "application/json")))
         (url-request-data (and body (encode-coding-string (json-serialize body) 'utf-8)))
         (buffer (url-retrieve-synchronously
                  (format "http://127.0.0.1:%d/_control/%s" wisp-test--port path) t t 10)))
    (unwind-protect
        (with-current-buffer buffer
          (goto-char (point-min))
          (re-search-forward "\n\n")
          (json-parse-buffer :object-type 'alist :array-type 'list))
      (kill-buffer buffer))))

(defun wisp-test--start ()
  "Start the fake upstream and lamp once; point `lamp-socket' at lamp."
  (unless (process-live-p wisp-test--lamp)
    (setq wisp-test--dir (make-temp-file "wisp-test" t))
    (let ((port-file (expand-file-name "port" wisp-test--dir))
          (socket (expand-file-name "lamp.sock" wisp-test--dir)))
      (setq wisp-test--fake
            (make-process :name "wisp-test-fake" :buffer nil :noquery t
                          :command (list "python3" (expand-file-name "tests/fixtures/fake_upstream.py" wisp-test--root)
                                         "--api-key" "sk-wisp-test" "--port-file" port-file)))
      (wisp-test--wait (lambda () (and (file-exists-p port-file)
                                       (> (file-attribute-size (file-attributes port-file)) 0))))
      (setq wisp-test--port (with-temp-buffer (insert-file-contents port-file)
                                              (string-to-number (buffer-string))))
      (let ((process-environment
             (append (list "OPENAI_API_KEY=sk-wisp-test"
                           (format "OPENAI_BASE_URL=http://127.0.0.1:%d" wisp-test--port))
                     process-environment)))
        (setq wisp-test--lamp
              (make-process :name "wisp-test-lamp" :buffer (get-buffer-create "*wisp-test-lamp*") :noquery t
                            :command (list lamp-test-server-program "serve"
                                           "--socket" socket))))
      (setq lamp-socket socket)
      (wisp-test--wait (lambda () (file-exists-p socket)))))
  (wisp-test--control "reset" '((x . 1))))

(defun wisp-test--review-of (source)
  "The review buffer of SOURCE showing a proposal (not progress), or nil."
  (cl-find-if (lambda (b) (and (eq (buffer-local-value 'wisp--source b) source)
                               (eq (buffer-local-value 'major-mode b) 'wisp-diff-mode)))
              (buffer-list)))

(defun wisp-test--diff-buffer-of (source)
  "Wait for, and return, the review buffer of SOURCE."
  (wisp-test--wait (lambda () (wisp-test--review-of source))))

(defmacro wisp-test--with-file (name mode &rest body)
  "Run BODY in a buffer visiting a copy of examples/NAME in MODE."
  (declare (indent 2))
  `(let* ((dir (make-temp-file "wisp-project" t))
          (file (expand-file-name ,name dir)))
     (copy-file (expand-file-name (concat "examples/" ,name) wisp-test--root) file)
     (with-current-buffer (find-file-noselect file)
       (unwind-protect
           (progn (funcall ,mode) ,@body)
         (set-buffer-modified-p nil)
         (kill-buffer)
         (delete-directory dir t)))))

(defmacro wisp-test--with-text (name mode text &rest body)
  "Run BODY in a buffer visiting a new file NAME holding TEXT, in MODE.
The file is alone in a temporary directory; the buffer is the selected
window's only buffer."
  (declare (indent 3))
  `(let* ((dir (make-temp-file "wisp-project" t))
          (file (expand-file-name ,name dir)))
     (with-temp-file file (insert ,text))
     (with-current-buffer (find-file-noselect file)
       (unwind-protect
           (progn (funcall ,mode)
                  (buffer-enable-undo)
                  (wisp-test--show (current-buffer))
                  ,@body)
         (set-buffer-modified-p nil)
         (kill-buffer)
         (delete-directory dir t)))))

(defun wisp-test--goto (text)
  "Move point to the start of TEXT in the current buffer."
  (goto-char (point-min))
  (search-forward text)
  (goto-char (match-beginning 0)))

(defun wisp-test--type (keys)
  "Type KEYS (a `kbd' string) into the selected window, as a user would.
An error a command signals ends the keys, as in the command loop, and
the text the echo area would show for it is returned; nil when nothing
failed."
  (condition-case err
      (progn (execute-kbd-macro (kbd keys)) nil)
    (error (error-message-string err))))

(defun wisp-test--last-message ()
  "The last line written to *Messages*."
  (with-current-buffer "*Messages*"
    (save-excursion
      (goto-char (point-max))
      (skip-chars-backward "\n")
      (buffer-substring-no-properties (line-beginning-position) (point)))))

(defun wisp-test--show (buffer)
  "Make BUFFER the only window's buffer, selected, as when a user works in it."
  (delete-other-windows)
  (switch-to-buffer buffer))

(defun wisp-test--review-window ()
  "The window showing a review buffer, or nil."
  (cl-find-if (lambda (w) (eq (buffer-local-value 'major-mode (window-buffer w)) 'wisp-diff-mode))
              (window-list)))

(defun wisp-test--request-review (&optional reply)
  "Type C-c w on the TODO comment of the current buffer; return the review buffer.
REPLY, when given, is what the fake model answers."
  (when reply (wisp-test--control "enqueue" `((content . ,reply))))
  (wisp-test--goto "# TODO")
  (should-not (wisp-test--type "C-c w"))
  (let ((source (current-buffer)))
    (should (wisp-test--diff-buffer-of source))
    (wisp-test--review-of source)))

(global-set-key (kbd "C-c w") #'wisp-apply-comment)

(provide 'wisp-test-support)
;;; wisp-test-support.el ends here
