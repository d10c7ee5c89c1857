;;; wisp-transport-test.el --- How wisp reaches lamp, and what it says when it cannot  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-transport-test.el: `wisp-transport' routes every request and cancel (lamp.el, acp.el, or
;; another registered transport), errors met while connecting read as one sentence, and the
;; recorded upstream's answer to a comment it does not know.  Keys are typed, as users do.

;;; Commentary:

;; Environment: see wisp-test-support.el.  The acp.el tests run when
;; acp.el is on the load-path (or in WISP_TEST_ACP_DIR) and are skipped,
;; saying so, otherwise.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(let ((dir (getenv "WISP_TEST_ACP_DIR")))
  (when (and dir (not (string-empty-p dir)))
    (add-to-list 'load-path (expand-file-name dir))))

(defvar wisp-transport-test--log nil "Calls the recording transport saw, latest first.")

(cl-defun wisp-transport-test--request (method params &rest keys &key on-notification &allow-other-keys)
  "Record METHOD, then send it with PARAMS and KEYS through lamp.el.
Notifications (ON-NOTIFICATION) are recorded as they pass."
  (let ((id (apply #'lamp-request method params
                   :on-notification (lambda (m p)
                                      (push (list :notification m) wisp-transport-test--log)
                                      (when on-notification (funcall on-notification m p)))
                   (cl-loop for (k v) on keys by #'cddr
                            unless (eq k :on-notification) append (list k v)))))
    (push (list :request method id) wisp-transport-test--log)
    id))

(defun wisp-transport-test--cancel (id)
  "Record the cancel of ID, then cancel it through lamp.el."
  (push (list :cancel id) wisp-transport-test--log)
  (lamp-cancel id))

(add-to-list 'wisp-transport-alist
             '(recording :request wisp-transport-test--request :cancel wisp-transport-test--cancel))

(ert-deftest wisp-transport-routes-requests-progress-and-cancel ()
  "The selected transport carries the request, its progress and its cancel."
  (wisp-test--start)
  (let ((wisp-transport 'recording))
    (wisp-test--with-file "fizzbuzz.py" #'python-mode
      (wisp-test--show (current-buffer))
      (setq wisp-transport-test--log nil)
      (wisp-test--goto "# TODO")
      (should-not (wisp-test--type "C-c w"))
      (should (wisp-test--diff-buffer-of (current-buffer)))
      (let ((log (reverse wisp-transport-test--log)))
        (should (equal (butlast (car log)) '(:request "wisp.patch")))
        (should (member '(:notification "$/progress") log)))
      (wisp-test--type "q")
      ;; Cancel goes through the transport that sent the request, with its id.
      (wisp-test--control "default" '((delay_ms . 20000)))
      (unwind-protect
          (progn
            (setq wisp-transport-test--log nil)
            (wisp-test--goto "# TODO")
            (wisp-test--type "C-c w")
            (let ((id (nth 2 (car wisp-transport-test--log))))
              (should-not (wisp-test--type "M-x wisp-cancel RET"))
              (should (equal (car wisp-transport-test--log) (list :cancel id)))
              (should-not wisp--request)
              (should (equal (wisp-test--last-message) "wisp: cancelled"))))
        (wisp-test--control "default" '((delay_ms . 0)))))))

(ert-deftest wisp-transport-unknown-or-unavailable-is-a-user-error ()
  "A transport that does not exist, or acp without acp.el, is refused in words."
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (wisp-test--goto "# TODO")
    (let ((wisp-transport 'carrier-pigeon))
      (should (string-match-p "[`‘]wisp-transport['’] is carrier-pigeon; set it to one of: .*lamp, acp"
                              (wisp-test--type "C-c w"))))
    (unless (locate-library "acp")
      (let ((wisp-transport 'acp))
        (should (string-match-p "needs acp.el" (wisp-test--type "C-c w")))))
    (should-not wisp--request)))

(ert-deftest wisp-transport-acp-end-to-end ()
  "With `wisp-transport' `acp', the change comes through acp.el and nc; lamp.el stays unconnected."
  (unless (require 'acp nil t)
    (ert-skip "acp.el is not on the load-path (set WISP_TEST_ACP_DIR to run this test)"))
  (unless (executable-find "nc")
    (ert-skip "nc (netcat-openbsd) is not installed"))
  (wisp-test--start)
  (lamp-disconnect)
  (let ((wisp-transport 'acp))
    (unwind-protect
        (wisp-test--with-file "fizzbuzz.py" #'python-mode
          (wisp-test--show (current-buffer))
          (let ((review (wisp-test--request-review)))
            (should (eq (window-buffer (selected-window)) review))
            (should-not (wisp-test--type "A"))
            (should (string-match-p "return \"FizzBuzz\"" (buffer-string))))
          (should-not (plist-get (lamp-status) :connected))
          (should-not lamp--connection)
          ;; Cancel through acp.el: the upstream call ends.
          (wisp-test--control "default" '((delay_ms . 20000)))
          (revert-buffer t t)
          (wisp-test--goto "# TODO")
          (let ((before (length (alist-get 'requests (wisp-test--control "log")))))
            (wisp-test--type "C-c w")
            (should (wisp-test--wait
                     (lambda () (> (length (alist-get 'requests (wisp-test--control "log"))) before)))))
          (wisp-test--type "M-x wisp-cancel RET")
          (should-not wisp--request)
          (should (wisp-test--wait
                   (lambda () (eq t (alist-get 'client_closed
                                               (car (last (alist-get 'requests (wisp-test--control "log"))))))))))
      (wisp-test--control "default" '((delay_ms . 0)))
      (wisp-acp-disconnect))))

(defmacro wisp-transport-test--unreachable (bindings &rest body)
  "Run BODY in a fizzbuzz.py buffer, lamp.el disconnected, with BINDINGS.
The socket is a fresh path in a temporary directory, bound as `socket'."
  (declare (indent 1))
  `(let* ((dir (make-temp-file "wisp-unreachable" t))
          (socket (expand-file-name "lamp.sock" dir))
          (lamp-socket socket)
          ,@bindings)
     (ignore socket)
     (lamp-disconnect)
     (unwind-protect
         (wisp-test--with-file "fizzbuzz.py" #'python-mode
           (wisp-test--show (current-buffer))
           (wisp-test--goto "# TODO")
           ,@body
           (should-not wisp--request))
       (lamp-disconnect t)
       (delete-directory dir t))))

(defun wisp-transport-test--script (dir name body)
  "Write an executable shell script NAME in DIR running BODY; return its path."
  (let ((file (expand-file-name name dir)))
    (with-temp-file file (insert "#!/bin/sh\n" body "\n"))
    (set-file-modes file #o755)
    file))

(ert-deftest wisp-connect-errors-read-as-one-sentence ()
  "Each way of failing to reach lamp names its cause and the fix."
  (wisp-transport-test--unreachable ((lamp-auto-start nil))
    (should (equal (wisp-test--type "C-c w")
                   (format "wisp: no lamp server answers at %s; start one with \"lamp serve\", or set `lamp-auto-start' to t"
                           socket))))
  ;; A socket file nobody listens on (a server that died).
  (wisp-transport-test--unreachable ((lamp-auto-start nil))
    (delete-process (make-network-process :name "stale" :family 'local :service socket :server t))
    (should (file-exists-p socket))
    (should (equal (wisp-test--type "C-c w")
                   (format "wisp: no lamp server answers at %s (connection refused); start one with \"lamp serve\", or set `lamp-auto-start' to t"
                           socket))))
  (wisp-transport-test--unreachable ((lamp-auto-start t) (lamp-server-program "/nonexistent/lamp"))
    (should (equal (wisp-test--type "C-c w")
                   "wisp: cannot start lamp: `lamp-server-program' (/nonexistent/lamp) was not found; install lamp (make install) or set `lamp-server-program' to its path")))
  (wisp-transport-test--unreachable
      ((lamp-auto-start t)
       (lamp-server-program (wisp-transport-test--script
                             dir "lamp" "echo 'lamp: cannot listen: address in use' >&2; exit 1")))
    (should (equal (wisp-test--type "C-c w")
                   "wisp: lamp exited as it started: lamp: cannot listen: address in use; see the *lamp-server* buffer")))
  (wisp-transport-test--unreachable
      ((lamp-auto-start t) (lamp-server-start-timeout 0.3)
       (lamp-server-program (wisp-transport-test--script dir "lamp" "exec sleep 30")))
    (should (equal (wisp-test--type "C-c w")
                   (format "wisp: lamp started but did not answer at %s within 0.3 s; see the *lamp-server* buffer, or raise `lamp-server-start-timeout'"
                           socket)))))

(ert-deftest wisp-demo-upstream-says-it-does-not-know-a-new-comment ()
  "A comment the recorded upstream has no answer for gets a NO CHANGE that says why."
  (wisp-test--start)
  (wisp-test--with-file "fizzbuzz.py" #'python-mode
    (wisp-test--show (current-buffer))
    (goto-char (point-max))
    (insert "\n# print the squares of 1..10\n")
    (forward-line -1)
    (should-not (wisp-test--type "C-c w"))
    (should (wisp-test--wait (lambda () (null wisp--request))))
    (should-not (wisp-test--review-of (current-buffer)))
    (should (equal (wisp-test--last-message)
                   "wisp: no change proposed: this demo only knows the example comments; set OPENAI_API_KEY to use a real model"))))

(provide 'wisp-transport-test)
;;; wisp-transport-test.el ends here
