;;; lamp-test.el --- ERT suite for lamp.el against the real lamp server  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-test.el: lamp.el's public API over a real `lamp serve'; the same suite runs once per
;; transport (LAMP_TEST_TRANSPORT=module|elisp).

;;; Commentary:

;; Environment:
;;   LAMP_TEST_SERVER      the lamp binary (required)
;;   LAMP_TEST_MODULE_DIR  the directory holding lamp-module.so
;;   LAMP_TEST_TRANSPORT   `module' or `elisp' (default `elisp')
;;
;; Run: emacs -Q --batch -L lisp -l tests/lisp/lamp-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(load (expand-file-name "lamp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)


(defvar lamp-test--dir nil "Temporary 0700 directory of the shared server.")
(defvar lamp-test--server nil "The shared lamp server process.")

(defun lamp-test--shared-socket ()
  "Return the socket of the shared server, starting it on first use."
  (unless lamp-test-server-program
    (error "Set LAMP_TEST_SERVER to the lamp binary"))
  (unless (process-live-p lamp-test--server)
    (setq lamp-test--dir (make-temp-file "lamp-test" t))
    (let ((socket (expand-file-name "lamp.sock" lamp-test--dir)))
      (setq lamp-test--server
            (make-process :name "lamp-test-server"
                          :buffer (get-buffer-create "*lamp-test-server*")
                          :command (list lamp-test-server-program "serve" "--socket" socket
                                         "--enable-test-methods")
                          :noquery t))
      (lamp-test--wait (lambda () (or (lamp-test--socket-answers-p socket)
                                      (not (process-live-p lamp-test--server))))
                       10)
      (unless (lamp-test--socket-answers-p socket)
        (error "The lamp server did not start: %s"
               (with-current-buffer "*lamp-test-server*" (buffer-string))))))
  (expand-file-name "lamp.sock" lamp-test--dir))

(defun lamp-test--cleanup ()
  "Stop the shared server and remove its directory."
  (when (process-live-p lamp-test--server)
    (signal-process lamp-test--server 'TERM)
    (lamp-test--wait (lambda () (not (process-live-p lamp-test--server))) 5))
  (when (and lamp-test--dir (file-directory-p lamp-test--dir))
    (delete-directory lamp-test--dir t)))

(add-hook 'kill-emacs-hook #'lamp-test--cleanup)

(defmacro lamp-test--with-server (&rest body)
  "Run BODY connected to the shared server with the transport under test."
  (declare (indent 0) (debug t))
  `(let ((lamp-socket (lamp-test--shared-socket))
         (lamp-transport lamp-test-transport)
         (lamp-auto-start nil))
     (unwind-protect (progn ,@body)
       (lamp-disconnect))))

(defun lamp-test--log-text ()
  "Return the contents of *lamp-log*."
  (if (get-buffer "*lamp-log*")
      (with-current-buffer "*lamp-log*" (buffer-string))
    ""))

(defun lamp-test--clear-log ()
  "Empty *lamp-log*."
  (when (get-buffer "*lamp-log*")
    (with-current-buffer "*lamp-log*" (let ((inhibit-read-only t)) (erase-buffer)))))

(defun lamp-test--in-flight ()
  "Return the server's count of requests in flight (this query included)."
  (alist-get 'in_flight (lamp-request-sync "server.status" nil 5)))

;;;; Round trips

(ert-deftest lamp-test-transport-in-use ()
  "The suite really runs over the transport it was asked for."
  (lamp-test--with-server
    (should (equal (lamp-request-sync "ping" nil) "pong"))
    (should (eq (lamp--conn-transport lamp--connection) lamp-test-transport))
    (should (eq (plist-get (lamp-status) :transport) lamp-test-transport))))

(ert-deftest lamp-test-sync-round-trip ()
  "A synchronous request returns the result decoded like `json-parse-string'."
  (lamp-test--with-server
    (should (equal (lamp-request-sync "ping" nil) "pong"))
    ;; Keys in sorted order: lamp's JSON library sorts the keys it echoes.
    (let* ((params '((flags . [t :false :null])
                     (nested . ((empty-array . []) (empty-object . #s(hash-table))))
                     (numbers . [1 -2 3.5 1e3])
                     (text . "héllo wörld ✓ 😀")))
           (text (json-serialize params)))
      (should (equal (lamp-request-sync "test.echo" params)
                     (json-parse-string text :object-type 'alist :array-type 'list
                                        :null-object :null :false-object :false))))))

(ert-deftest lamp-test-params-encodings ()
  "PARAMS may be an alist, a plist, a hash table or a vector."
  (lamp-test--with-server
    (let ((table (make-hash-table :test 'equal)))
      (puthash "k" 1 table)
      (should (equal (lamp-request-sync "test.echo" '((k . 1))) '((k . 1))))
      (should (equal (lamp-request-sync "test.echo" '(:k 1)) '((k . 1))))
      (should (equal (lamp-request-sync "test.echo" table) '((k . 1))))
      (should (equal (lamp-request-sync "test.echo" [1 "two"]) '(1 "two")))
      (should (equal (lamp-request-sync 'test.echo '((k . 2))) '((k . 2)))))))

(ert-deftest lamp-test-async-round-trip ()
  "An asynchronous request returns its id at once and calls ON-RESULT."
  (lamp-test--with-server
    (let* (result
           (id (lamp-request "ping" nil :on-result (lambda (r) (setq result r))))
           (id2 (lamp-request "ping" nil)))
      (should (integerp id))
      (should (> id2 id))
      (should (lamp-test--wait (lambda () result)))
      (should (equal result "pong")))))

(ert-deftest lamp-test-rpc-error ()
  "An error reply signals `lamp-rpc-error' with (CODE MESSAGE DATA)."
  (lamp-test--with-server
    (let ((err (should-error (lamp-request-sync "no.such.method" nil) :type 'lamp-rpc-error)))
      (should (equal (nth 1 err) -32601))
      (should (stringp (nth 2 err)))
      (should (stringp (alist-get 'detail (nth 3 err)))))
    (should-error (lamp-request-sync "no.such.method" nil) :type 'lamp-error)
    (let (err)
      (lamp-request "test.sleep" '((ms . "bad")) :on-error (lambda (e) (setq err e)))
      (should (lamp-test--wait (lambda () err)))
      (should (eq (car err) 'lamp-rpc-error))
      (should (equal (nth 1 err) -32602)))))

(ert-deftest lamp-test-thousand-in-flight ()
  "1000 concurrent requests are all answered and matched to their callbacks."
  (lamp-test--with-server
    (let ((results (make-hash-table))
          (ids (make-hash-table))
          (errors 0))
      (dotimes (i 1000)
        (let* ((sleeper (zerop (% i 3)))
               (id (lamp-request (if sleeper "test.sleep" "test.echo")
                                 (if sleeper `((ms . ,(% (* i 7) 50))) `((i . ,i)))
                                 :on-result (lambda (r) (puthash i r results))
                                 :on-error (lambda (_) (cl-incf errors)))))
          (should-not (gethash id ids))
          (puthash id i ids)))
      (should (lamp-test--wait (lambda () (= (hash-table-count results) 1000)) 30))
      (should (= errors 0))
      (dotimes (i 1000)
        (should (equal (gethash i results)
                       (if (zerop (% i 3)) "slept" `((i . ,i))))))
      (should (= (hash-table-count (lamp--conn-pending lamp--connection)) 0)))))

(ert-deftest lamp-test-notifications ()
  "Notifications for a request reach its ON-NOTIFICATION, in order, before the result."
  (lamp-test--with-server
    (let (ticks seen-by-hook result ticks-at-result)
      (let ((lamp-notification-functions
             (list (lambda (method _params) (push method seen-by-hook)))))
        (lamp-request "test.notify" '((count . 5) (size . 3))
                      :on-notification (lambda (method params) (push (cons method params) ticks))
                      :on-result (lambda (r) (setq result r ticks-at-result (length ticks))))
        (should (lamp-test--wait (lambda () result))))
      (should (equal result 5))
      (should (equal ticks-at-result 5))
      (setq ticks (nreverse ticks))
      (should (equal (mapcar #'car ticks) (make-list 5 "test.tick")))
      (should (equal (mapcar (lambda (tick) (alist-get 'index (cdr tick))) ticks) '(0 1 2 3 4)))
      (should (equal (alist-get 'pad (cdar ticks)) "xxx"))
      (should (equal seen-by-hook (make-list 5 "test.tick"))))))

(ert-deftest lamp-test-big-reply ()
  "A 10 MB reply arrives intact."
  (lamp-test--with-server
    (let* ((threshold gc-cons-threshold)
           (chunk (concat (make-string 1000 ?a) "é€😀\"\\\n\t"))
           (data (apply #'concat (make-list 10000 chunk)))
           (result (lamp-request-sync "test.echo" `((data . ,data)) 60)))
      (should (>= (string-bytes data) 10000000))
      (should (equal (alist-get 'data result) data))
      ;; A structured reply big enough to be converted over several event-loop turns.
      (let* ((items (vconcat (cl-loop for i below 20000
                                      collect `((i . ,i) (s . ,(format "s%d" i)) (l . [1 2])))))
             (reply (lamp-request-sync "test.echo" `((items . ,items)) 60)))
        (should (= (length (alist-get 'items reply)) 20000))
        (should (equal (nth 12345 (alist-get 'items reply))
                       '((i . 12345) (l 1 2) (s . "s12345")))))
      (should (= gc-cons-threshold threshold))
      (should-not lamp--saved-gc-cons-threshold))))

;;;; Cancellation, timeouts, quitting

(ert-deftest lamp-test-quit-sends-cancel ()
  "A quit during `lamp-request-sync' returns at once and cancels the request."
  (lamp-test--with-server
    (lamp-test--clear-log)
    (let* ((baseline (lamp-test--in-flight))
           (conn lamp--connection)
           (start (float-time))
           (quitted nil)
           (timer (run-at-time 0.3 nil (lambda () (signal 'quit nil)))))
      (unwind-protect
          (condition-case nil
              (lamp-request-sync "test.sleep" '((ms . 20000)) 30)
            (quit (setq quitted t)))
        (cancel-timer timer))
      (should quitted)
      (should (< (- (float-time) start) 3))
      ;; Still the same connection: only `$/cancelRequest' can end the sleep early.
      (should (eq lamp--connection conn))
      (should (lamp-test--wait (lambda () (= (lamp-test--in-flight) baseline)) 5))
      ;; The late -32800 reply was dropped quietly.
      (should (lamp-test--wait
               (lambda () (= (hash-table-count (lamp--conn-pending lamp--connection)) 0))))
      (should-not (string-match-p "unknown id" (lamp-test--log-text)))
      (should (equal (lamp-request-sync "ping" nil) "pong")))))

(ert-deftest lamp-test-timeout ()
  "`lamp-request-sync' signals `lamp-timeout' and cancels the request."
  (lamp-test--with-server
    (let ((baseline (lamp-test--in-flight))
          (start (float-time)))
      (should-error (lamp-request-sync "test.sleep" '((ms . 20000)) 0.3) :type 'lamp-timeout)
      (should (< (- (float-time) start) 3))
      (should (lamp-test--wait (lambda () (= (lamp-test--in-flight) baseline)) 5)))))

(ert-deftest lamp-test-cancel ()
  "`lamp-cancel' makes the server end the request with -32800."
  (lamp-test--with-server
    (let* (err
           (id (lamp-request "test.sleep" '((ms . 20000)) :on-error (lambda (e) (setq err e)))))
      (should (lamp-cancel id))
      (should (lamp-test--wait (lambda () err) 5))
      (should (eq (car err) 'lamp-rpc-error))
      (should (equal (nth 1 err) -32800))
      (should-not (lamp-cancel id)))))

(ert-deftest lamp-test-notify ()
  "`lamp-notify' sends a notification; nothing comes back."
  (lamp-test--with-server
    (lamp-test--clear-log)
    (should-not (lamp-notify "ping" nil))
    (should (equal (lamp-request-sync "ping" nil) "pong"))
    (should-not (string-match-p "unknown id" (lamp-test--log-text)))))

;;;; Failures

(ert-deftest lamp-test-callback-signals ()
  "A callback that signals is logged and does not break the connection."
  (lamp-test--with-server
    (lamp-test--clear-log)
    (let (done)
      (lamp-request "ping" nil :on-result (lambda (_) (error "Boom from on-result")))
      (lamp-request "test.notify" '((count . 1))
                    :on-notification (lambda (&rest _) (error "Boom from on-notification"))
                    :on-result (lambda (_) (setq done t)))
      (should (lamp-test--wait (lambda () done)))
      (let ((conn lamp--connection))
        (should (equal (lamp-request-sync "ping" nil) "pong"))
        (should (eq lamp--connection conn)))
      (should (string-match-p "Boom from on-result" (lamp-test--log-text)))
      (should (string-match-p "Boom from on-notification" (lamp-test--log-text))))))

(ert-deftest lamp-test-disconnect-fails-pending ()
  "`lamp-disconnect' gives pending requests a `lamp-connection-error'."
  (lamp-test--with-server
    (let (err)
      (lamp-request "test.sleep" '((ms . 20000)) :on-error (lambda (e) (setq err e)))
      (lamp-disconnect)
      (should (eq (car err) 'lamp-connection-error))
      (should (equal (lamp-request-sync "ping" nil) "pong")))))

(ert-deftest lamp-test-no-server ()
  "Without a server and with auto-start off, requests signal `lamp-connection-error'."
  (let* ((dir (make-temp-file "lamp-none" t))
         (lamp-socket (expand-file-name "lamp.sock" dir))
         (lamp-transport lamp-test-transport)
         (lamp-auto-start nil))
    (unwind-protect
        (progn
          (should-error (lamp-request-sync "ping" nil) :type 'lamp-connection-error)
          (should-error (lamp-request "ping" nil) :type 'lamp-error)
          (should-not (plist-get (lamp-status) :connected)))
      (lamp-disconnect)
      (delete-directory dir t))))

(ert-deftest lamp-test-server-killed-then-auto-start ()
  "Server death calls ON-ERROR; the next request starts a new server."
  (let* ((dir (make-temp-file "lamp-auto" t))
         (lamp-socket (expand-file-name "lamp.sock" dir))
         (lamp-transport lamp-test-transport)
         (lamp-auto-start t)
         (lamp-server-program lamp-test-server-program)
         (lamp-server-arguments '("--enable-test-methods")))
    (unwind-protect
        (progn
          (should (equal (lamp-request-sync "ping" nil) "pong"))
          (let ((first lamp--server-process)
                err result)
            (should (process-live-p first))
            (lamp-request "test.sleep" '((ms . 20000))
                          :on-result (lambda (r) (setq result r))
                          :on-error (lambda (e) (setq err e)))
            (lamp-request-sync "ping" nil)  ; the sleep is surely running now
            (signal-process first 'KILL)
            (should (lamp-test--wait (lambda () err) 10))
            (should (eq (car err) 'lamp-connection-error))
            (should-not result)
            (lamp-test--wait (lambda () (not (process-live-p first))) 5)
            (should (equal (lamp-request-sync "ping" nil) "pong"))
            (should (process-live-p lamp--server-process))
            (should-not (eq first lamp--server-process))
            (should (equal (lamp-request-sync "test.echo" '((again . t))) '((again . t))))))
      (lamp-disconnect t)
      (delete-directory dir t))))

;;;; Malformed input, from a fake server written in Lisp

(defun lamp-test--fake-server (socket respond)
  "Listen on SOCKET; call RESPOND with (CONNECTION LINE) for each line received."
  (make-network-process
   :name "lamp-test-fake" :server t :family 'local :service socket :coding 'binary :noquery t
   :filter (lambda (connection output)
             (let ((pending (concat (or (process-get connection 'pending) "") output)))
               (while (string-match "\n" pending)
                 (let ((line (substring pending 0 (match-beginning 0))))
                   (setq pending (substring pending (match-end 0)))
                   (funcall respond connection line)))
               (process-put connection 'pending pending)))))

(ert-deftest lamp-test-malformed-input ()
  "Garbage from the server is logged; Emacs and the connection survive."
  (let* ((dir (make-temp-file "lamp-fake" t))
         (socket (expand-file-name "fake.sock" dir))
         (received nil)
         (server
          (lamp-test--fake-server
           socket
           (lambda (connection line)
             (push line received)
             (let ((message (ignore-errors (json-parse-string line :object-type 'alist))))
               (when (equal (alist-get 'method message) "go")
                 (let ((id (alist-get 'id message)))
                   (process-send-string
                    connection
                    (concat "this is not json\n"
                            "[1,2,3]\n"
                            "42\n"
                            "{}\n"
                            "{\"jsonrpc\":\"2.0\",\"id\":987654321,\"result\":1}\n"
                            (unibyte-string #xff #xfe ?{ ?} ?\n)
                            "{\"jsonrpc\":\"2.0\",\"method\":\"srv.req\",\"id\":\"s1\"}\n"
                            "{\"jsonrpc\":\"2.0\",\"method\":\"srv.note\",\"params\":[1]}\n"
                            "{\"unterminated\": \"\n"
                            (make-string 3000 ?x) "\n"
                            (format "{\"jsonrpc\":\"2.0\",\"id\":%d,\"error\":{\"code\":\"odd\"}}\n" 0)
                            (format "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":\"ok\"}\n" id))))))))))
    (unwind-protect
        (let ((lamp-socket socket)
              (lamp-transport lamp-test-transport)
              (lamp-auto-start nil)
              (lamp-max-message-bytes 2000))
          (lamp-test--clear-log)
          (should (equal (lamp-request-sync "go" nil 10) "ok"))
          (let ((log (lamp-test--log-text)))
            (should (string-match-p "malformed" log))
            (should (string-match-p "unknown id 987654321" log))
            (should (string-match-p "larger than 2000" log))
            (should (string-match-p "not a JSON-RPC object" log)))
          ;; The server's request was answered with "method not found".
          (should (lamp-test--wait
                   (lambda () (cl-some (lambda (line) (string-match-p "\"s1\".*-32601\\|-32601.*\"s1\"" line))
                                       received))))
          (should (equal (lamp-request-sync "go" nil 10) "ok")))
      (lamp-disconnect)
      (delete-process server)
      (delete-directory dir t))))

;;;; Status

(ert-deftest lamp-test-status ()
  "`lamp-status' describes the connection and the server."
  (lamp-test--with-server
    (lamp-request-sync "ping" nil)
    (let ((status (lamp-status)))
      (should (plist-get status :connected))
      (should (equal (plist-get status :socket) lamp-socket))
      (should (equal (plist-get status :pending) 0))
      (should (integerp (alist-get 'in_flight (plist-get status :server)))))
    (lamp-disconnect)
    (should-not (plist-get (lamp-status) :connected))))

(provide 'lamp-test)
;;; lamp-test.el ends here
