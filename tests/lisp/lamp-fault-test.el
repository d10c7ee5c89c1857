;;; lamp-fault-test.el --- ERT: lamp SIGKILLed while Emacs waits  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-fault-test.el: lamp killed with SIGKILL under a waiting sync or async request: the
;; request fails promptly with `lamp-connection-error', the next one auto-starts a fresh lamp.

;;; Commentary:

;; Same environment as lamp-test.el (LAMP_TEST_SERVER, LAMP_TEST_MODULE_DIR,
;; LAMP_TEST_TRANSPORT); runs once per transport.
;;
;; Run: emacs -Q --batch -L lisp -l tests/lisp/lamp-fault-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(load (expand-file-name "lamp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)

(defconst lamp-fault-test-prompt-s 5
  "Seconds within which a request must fail once lamp is killed.")

(defun lamp-fault-test--start-external (socket)
  "Start lamp on SOCKET as another program would (not through lamp.el); return it."
  (let ((process (make-process :name "lamp-fault-external"
                               :buffer (get-buffer-create "*lamp-fault-external*")
                               :command (list lamp-test-server-program "serve" "--socket"
                                              socket "--enable-test-methods")
                               :noquery t)))
    (lamp-test--wait (lambda () (or (lamp-test--socket-answers-p socket)
                                    (not (process-live-p process))))
                     10)
    (should (lamp-test--socket-answers-p socket))
    process))

(defmacro lamp-fault-test--with-auto-start (&rest body)
  "Run BODY with a private socket, the transport under test and auto-start on."
  (declare (indent 0) (debug t))
  `(let* ((dir (make-temp-file "lamp-fault" t))
          (lamp-socket (expand-file-name "lamp.sock" dir))
          (lamp-transport lamp-test-transport)
          (lamp-auto-start t)
          (lamp-server-program lamp-test-server-program)
          (lamp-server-arguments '("--enable-test-methods"))
          (lamp--server-process nil))
     (unwind-protect (progn ,@body)
       (lamp-disconnect t)
       (delete-directory dir t))))

(defun lamp-fault-test--check-fresh-server (killed)
  "Check that the next requests auto-start a new lamp in place of KILLED."
  (should (equal (lamp-request-sync "ping" nil 10) "pong"))
  (should (process-live-p lamp--server-process))
  (should-not (eq lamp--server-process killed))
  (should (eq (lamp--conn-transport lamp--connection) lamp-test-transport))
  (should (equal (lamp-request-sync "test.echo" '((again . t)) 10) '((again . t)))))

(ert-deftest lamp-fault-test-sync-call-signals-when-lamp-is-killed ()
  "A sync call waiting on a SIGKILLed lamp signals promptly; the next call auto-starts lamp.
The killed lamp was started outside this Emacs and leaves its socket file behind."
  (lamp-fault-test--with-auto-start
    (let ((external (lamp-fault-test--start-external lamp-socket)))
      (unwind-protect
          (progn
            (should (equal (lamp-request-sync "ping" nil) "pong"))
            (should-not lamp--server-process)  ; connected to the external lamp
            (run-at-time 0.3 nil (lambda () (signal-process external 'KILL)))
            (let* ((start (float-time))
                   (err (should-error (lamp-request-sync "test.sleep" '((ms . 30000)) 20)
                                      :type 'lamp-connection-error)))
              (should (< (- (float-time) start) lamp-fault-test-prompt-s))
              (should (string-match-p "lamp connection lost" (nth 2 err))))
            (should (file-exists-p lamp-socket))  ; stale: nobody removed it
            (lamp-fault-test--check-fresh-server nil))
        (when (process-live-p external) (delete-process external))))))

(ert-deftest lamp-fault-test-async-call-fails-and-on-error-may-retry-at-once ()
  "An async call on a SIGKILLed lamp gets ON-ERROR; a request made from ON-ERROR succeeds.
Retrying from the callback comes before Emacs may have reaped the killed lamp."
  (lamp-fault-test--with-auto-start
    (should (equal (lamp-request-sync "ping" nil) "pong"))
    (let ((first lamp--server-process)
          err retried retry-error start)
      (should (process-live-p first))
      (lamp-request "test.sleep" '((ms . 30000))
                    :on-result (lambda (_) (setq err 'unexpected-result))
                    :on-error (lambda (e)
                                (setq err e)
                                (condition-case e2
                                    (lamp-request "test.echo" '((retried . t))
                                                  :on-result (lambda (r) (setq retried r))
                                                  :on-error (lambda (e3) (setq retry-error e3)))
                                  (error (setq retry-error e2)))))
      (lamp-request-sync "ping" nil)  ; the sleep is surely running now
      (setq start (float-time))
      (signal-process first 'KILL)
      (should (lamp-test--wait (lambda () err) lamp-fault-test-prompt-s))
      (should (< (- (float-time) start) lamp-fault-test-prompt-s))
      (should (eq (car-safe err) 'lamp-connection-error))
      (should (lamp-test--wait (lambda () (or retried retry-error)) 10))
      (should-not retry-error)
      (should (equal retried '((retried . t))))
      (lamp-fault-test--check-fresh-server first))))

(ert-deftest lamp-fault-test-sync-call-from-a-timer-when-lamp-is-killed ()
  "A sync call made inside a timer while lamp is SIGKILLed signals instead of hanging."
  (lamp-fault-test--with-auto-start
    (should (equal (lamp-request-sync "ping" nil) "pong"))
    (let ((first lamp--server-process)
          outcome start)
      (run-at-time 0 nil
                   (lambda ()
                     (run-at-time 0.3 nil (lambda ()
                                            (setq start (float-time))
                                            (signal-process first 'KILL)))
                     (setq outcome
                           (condition-case e
                               (list 'result (lamp-request-sync "test.sleep" '((ms . 30000)) 20))
                             (lamp-error (list 'error e (float-time)))))))
      (should (lamp-test--wait (lambda () outcome) (+ 1 lamp-fault-test-prompt-s)))
      (should (eq (car outcome) 'error))
      (should (eq (car (nth 1 outcome)) 'lamp-connection-error))
      (should (< (- (nth 2 outcome) start) lamp-fault-test-prompt-s))
      (lamp-fault-test--check-fresh-server first))))

(provide 'lamp-fault-test)
;;; lamp-fault-test.el ends here
