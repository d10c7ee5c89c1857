;;; wisp-acp-test.el --- ERT tests for wisp-acp.el  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-acp-test.el: the acp wisp transport and lamp as an ACP agent, against the real lamp
;; (LAMP_TEST_SERVER); skipped, saying so, when acp.el is not on the load-path.

;;; Commentary:

;; Run from the source tree (add -L DIR-OF-ACP-EL, or set WISP_TEST_ACP_DIR, to run the acp.el
;; tests):
;;   LAMP_TEST_SERVER=build/server/lamp emacs -Q --batch -L lisp \
;;     -l tests/lisp/wisp-acp-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(let ((dir (getenv "WISP_TEST_ACP_DIR")))
  (when (and dir (not (equal dir "")))
    (add-to-list 'load-path (expand-file-name dir))))
(require 'wisp-acp)

(declare-function acp-send-request "acp" (&rest args))
(declare-function acp-shutdown "acp" (&rest args))
(declare-function acp-make-initialize-request "acp" (&rest args))
(declare-function acp-make-session-new-request "acp" (&rest args))

(unless (wisp-acp-available-p)
  (message "wisp-acp-test: acp.el is not on the load-path: the acp.el tests are SKIPPED"))

(defvar wisp-acp-test--server nil "The lamp process of the current test.")

(defun wisp-acp-test--require-acp ()
  "Skip the current test unless acp.el is loaded."
  (unless (wisp-acp-available-p)
    (ert-skip "acp.el is not on the load-path")))

(defun wisp-acp-test--server-program ()
  "Return the lamp binary to test, or skip."
  (let ((program (getenv "LAMP_TEST_SERVER")))
    (unless (and program (file-executable-p program))
      (ert-skip "LAMP_TEST_SERVER does not name the lamp binary"))
    program))

(defmacro wisp-acp-test--with-server (&rest body)
  "Run BODY with lamp serving on a private socket that `lamp-socket' names."
  (declare (indent 0) (debug t))
  `(let* ((dir (make-temp-file "wisp-acp-test" t))
          (lamp-socket (expand-file-name "lamp.sock" dir))
          (wisp-acp-test--server
           (make-process :name "lamp-test" :buffer nil :noquery t
                         :command (list (wisp-acp-test--server-program) "serve"
                                        "--socket" lamp-socket "--enable-test-methods")
                         :stderr (get-buffer-create " *wisp-acp-test-stderr*"))))
     (unwind-protect
         (progn
           (with-timeout (10 (error "The lamp server did not start"))
             (while (not (file-exists-p lamp-socket)) (sleep-for 0.02)))
           ,@body)
       (wisp-acp-disconnect)
       (delete-process wisp-acp-test--server)
       (delete-directory dir t))))

(ert-deftest wisp-acp-test-registration ()
  "wisp names the acp transport; without acp.el its functions refuse in words."
  (require 'wisp)
  (should (equal (alist-get 'acp wisp-transport-alist)
                 '(:feature wisp-acp :request wisp-acp-request :cancel wisp-acp-cancel
                   :request-sync wisp-acp-request-sync)))
  (dolist (fn '(wisp-acp-request wisp-acp-cancel wisp-acp-request-sync wisp-acp-notify
                                 wisp-acp-disconnect))
    (should (functionp fn)))
  (unless (wisp-acp-available-p)
    (should-error (wisp-acp-request "ping" nil) :type 'user-error)
    (should-error (wisp-acp-make-client) :type 'user-error)))

(ert-deftest wisp-acp-test-command ()
  "The agent command is `nc -U SOCKET', SOCKET following lamp.el's rules."
  (let ((lamp-socket "/tmp/x/lamp.sock"))
    (should (equal wisp-acp-command "nc"))
    (should (equal (wisp-acp-command-params) '("-U" "/tmp/x/lamp.sock")))))

(ert-deftest wisp-acp-test-sync-and-values ()
  "Synchronous requests return results decoded like lamp.el's (arrays as lists)."
  (wisp-acp-test--require-acp)
  (wisp-acp-test--with-server
    (should (equal (wisp-acp-request-sync "ping" nil 10) "pong"))
    (should (equal (wisp-acp-request-sync "test.echo" '((a . [1 2 3]) (b . "x")) 10)
                   '((a 1 2 3) (b . "x"))))))

(ert-deftest wisp-acp-test-notifications-and-errors ()
  "Notifications reach their request; errors are lamp.el conditions."
  (wisp-acp-test--require-acp)
  (wisp-acp-test--with-server
    (let ((ticks nil) (result nil))
      (wisp-acp-request "test.notify" '((count . 3))
                        :on-result (lambda (r) (setq result r))
                        :on-notification (lambda (method params)
                                           (push (cons method (alist-get 'index params)) ticks)))
      (with-timeout (10 (error "No reply"))
        (while (not result) (accept-process-output nil 0.02)))
      (should (equal result 3))
      (should (equal (reverse ticks) '(("test.tick" . 0) ("test.tick" . 1) ("test.tick" . 2)))))
    (let ((err (should-error (wisp-acp-request-sync "no.such.method" nil 10) :type 'lamp-rpc-error)))
      (should (equal (nth 1 err) -32601)))
    (should-error (wisp-acp-request-sync "test.sleep" '((ms . 5000)) 0.2) :type 'lamp-timeout)
    ;; The timed-out call was cancelled; the connection still works.
    (should (equal (wisp-acp-request-sync "ping" nil 10) "pong"))))

(ert-deftest wisp-acp-test-acp-session ()
  "The client maker speaks ACP with lamp: initialize and session/new."
  (wisp-acp-test--require-acp)
  (wisp-acp-test--with-server
    (let ((client (wisp-acp-make-client)))
      (unwind-protect
          (let ((init (acp-send-request
                       :client client :sync t
                       :request (acp-make-initialize-request :protocol-version 1
                                                             :read-text-file-capability t)))
                (session (acp-send-request
                          :client client :sync t
                          :request (acp-make-session-new-request :cwd temporary-file-directory))))
            (should (equal (alist-get 'protocolVersion init) 1))
            (should (equal (alist-get 'name (alist-get 'agentInfo init)) "lamp"))
            (should (stringp (alist-get 'sessionId session))))
        (acp-shutdown :client client)))))

(ert-deftest wisp-acp-test-no-server ()
  "Without a server the transport signals a connection error."
  (wisp-acp-test--require-acp)
  (let ((lamp-socket (expand-file-name "absent.sock" temporary-file-directory)))
    (wisp-acp-disconnect)
    (should-error (wisp-acp-request-sync "ping" nil 5) :type 'lamp-connection-error)))

(provide 'wisp-acp-test)
;;; wisp-acp-test.el ends here
