;;; lamp.el --- Async JSON-RPC client for the lamp server  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp.el: the Emacs side of lamp (JSON-RPC 2.0 on a Unix socket), over the lamp-module
;; transport (socket I/O and JSON parsing off Emacs' main thread) or a pure-Lisp fallback.

;; Copyright (C) 2025 The wisp + lamp authors

;; Author: The wisp + lamp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: comm, tools
;; URL: https://example.invalid/wisp-lamp

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

;; lamp is a JSON-RPC 2.0 server on a Unix domain socket.  This file is
;; its Emacs client.  Requests are asynchronous: replies are delivered
;; to callbacks from the event loop, so Emacs keeps responding while the
;; server works.
;;
;; API
;;
;;   (lamp-request METHOD PARAMS &key ON-RESULT ON-ERROR ON-NOTIFICATION)
;;       Send a request, return its id at once.  ON-RESULT is called
;;       with the result, ON-ERROR with an error condition such as
;;       (lamp-rpc-error CODE MESSAGE DATA), ON-NOTIFICATION with
;;       (METHOD PARAMS) for each server notification whose
;;       params.request_id is this request's id (progress, deltas).
;;   (lamp-request-sync METHOD PARAMS &optional TIMEOUT)
;;       Send a request and wait for its result; signal a `lamp-error'
;;       on failure.  C-g while waiting quits at once and
;;       sends `$/cancelRequest'; the late reply is dropped.
;;   (lamp-cancel ID)            ask the server to cancel request ID.
;;   (lamp-notify METHOD PARAMS) send a notification (no reply).
;;   (lamp-disconnect &optional STOP-SERVER)
;;   (lamp-status)               a plist describing the connection.
;;
;; Errors (`define-error'), all with data (CODE MESSAGE DATA), CODE being
;; the JSON-RPC error code or nil for errors raised in Emacs:
;;
;;   lamp-error
;;   ├─ lamp-connection-error   no server, server died, disconnected
;;   ├─ lamp-rpc-error          the server answered with an error
;;   └─ lamp-timeout            `lamp-request-sync' gave up waiting
;;
;; JSON: results and notification params are decoded exactly as
;; `json-parse-string' with :object-type `alist' and :array-type `list'
;; does (objects are alists with symbol keys, arrays are lists, null is
;; :null, false is :false, true is t, {} and [] are nil).  PARAMS are
;; encoded as `json-serialize' does: an alist, plist or hash table for
;; an object, a vector for an array.
;;
;; Connection: the socket is `lamp-socket', else $LAMP_UDS, else
;; $XDG_RUNTIME_DIR/lamp/lamp.sock, else /tmp/lamp-UID/lamp.sock.  The
;; first request connects; when no server answers and `lamp-auto-start'
;; is non-nil, `lamp-server-program' is started ("lamp serve --socket
;; SOCKET", output in the *lamp-server* buffer).  When the connection
;; dies, every pending request's ON-ERROR receives a
;; `lamp-connection-error' and the next request reconnects.  Protocol
;; oddities (malformed frames, replies for unknown ids, callbacks that
;; signal) are written to the *lamp-log* buffer.
;;
;; Transports (`lamp-transport'): `module' uses lamp-module.so, whose
;; I/O thread reads the socket, splits and parses frames off the main
;; thread, and converts big values a few milliseconds at a time (with
;; `gc-cons-threshold' raised meanwhile, see
;; `lamp-module-gc-cons-threshold'); `elisp' uses `make-network-process'.
;; `auto' (the default) prefers the module, looking for it in
;; ../build/module/ relative to this file and next to it, offering to
;; compile it when missing (`lamp-module-compile'), and falls back to
;; `elisp'.
;;
;; See docs/lamp-el.md for more.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'lamp-base)
(require 'lamp-transport)


;;;; Connecting

(defun lamp--try-open (transport socket)
  "Return a connection to SOCKET over TRANSPORT, or nil when none answers."
  (condition-case nil
      (lamp--open transport socket)
    (lamp-connection-error nil)))

(defun lamp--connect ()
  "Connect to lamp, starting the server when allowed; return the connection."
  (let* ((socket (lamp-socket-path))
         (transport (lamp--choose-transport)))
    (or (lamp--try-open transport socket)
        (progn
          (unless lamp-auto-start
            (lamp--connection-error "No lamp server answers at %s" socket))
          (let ((process (if (process-live-p lamp--server-process)
                             lamp--server-process
                           (lamp--start-server socket)))
                (deadline (+ (float-time) lamp-server-start-timeout))
                conn)
            (while (not conn)
              (setq conn (lamp--try-open transport socket))
              (unless conn
                (unless (process-live-p process)
                  ;; Another server may have won the race for the socket.
                  (setq conn (lamp--try-open transport socket))
                  (unless conn
                    (lamp--connection-error "The lamp server exited: %s"
                                            (lamp--server-output-tail))))
                (when (and (not conn) (> (float-time) deadline))
                  (lamp--connection-error "The lamp server did not answer at %s within %s s"
                                          socket lamp-server-start-timeout))
                (unless conn (accept-process-output process 0.02))))
            conn)))))

(defun lamp--ensure-connection ()
  "Return a live connection, reconnecting when the last one ended."
  (let ((conn lamp--connection))
    (when (and conn (not (lamp--live-p conn)))
      ;; Deliver what arrived before the end, then fail what is left.
      (when (eq (lamp--conn-transport conn) 'module) (lamp--module-receive conn))
      (lamp--connection-lost conn (or (lamp--conn-dead conn) "connection ended"))
      (setq conn nil))
    (or conn (setq lamp--connection (lamp--connect)))))

(defconst lamp--resend-delay 0.05
  "Seconds before a request is sent again after its connection died unheard.
A server killed as a client connects can accept the connection into
its backlog and then drop it; this lets it finish dying first.")

(defun lamp--connection-lost (conn reason &optional no-resend)
  "Mark CONN as ended because of REASON and fail its pending requests.
When the server never sent anything on CONN (it was going away as
CONN connected), its requests are sent again once, on a new
connection, unless NO-RESEND is non-nil."
  (unless (lamp--conn-dead conn)
    (setf (lamp--conn-dead conn) reason)
    (when (eq lamp--connection conn) (setq lamp--connection nil))
    (lamp--log "connection to %s ended: %s" (lamp--conn-socket conn) reason)
    (lamp--close-transport conn)
    (let (calls)
      (maphash (lambda (_id call) (push call calls)) (lamp--conn-pending conn))
      (clrhash (lamp--conn-pending conn))
      (setf (lamp--conn-inbox conn) nil
            (lamp--conn-batch conn) []
            (lamp--conn-position conn) 0)
      (let ((resend (not (or no-resend (lamp--conn-heard conn)))))
        (dolist (call (nreverse calls))
          (cond ((lamp--call-abandoned call))
                ((and resend (not (lamp--call-resent call)))
                 (setf (lamp--call-resent call) t)
                 (run-at-time lamp--resend-delay nil #'lamp--resend call))
                (t (lamp--finish call nil
                                 (list 'lamp-connection-error nil
                                       (format "lamp connection lost: %s" reason) nil)))))))))

(defun lamp--resend (call)
  "Send CALL again on a (new) connection, or fail it with the connection error."
  (unless (lamp--call-abandoned call)
    (condition-case err
        (let ((conn (lamp--ensure-connection)))
          (puthash (lamp--call-id call) call (lamp--conn-pending conn))
          (lamp--send-call conn (lamp--call-id call) (lamp--call-method call)
                           (lamp--call-params-json call)))
      (lamp-connection-error (lamp--finish call nil err)))))

;;;; Dispatch

(defun lamp--enqueue (conn items)
  "Queue the item vector ITEMS on CONN."
  (setf (lamp--conn-heard conn) t
        (lamp--conn-inbox conn) (nconc (lamp--conn-inbox conn) (list items))))

(defun lamp--dispatch-inbox (conn)
  "Dispatch CONN's received items in order.
Callbacks may wait for replies themselves; the nested call continues
where this one is, so the order holds."
  (let ((finished nil))
    (unwind-protect
        (progn
          (while (or (< (lamp--conn-position conn) (length (lamp--conn-batch conn)))
                     (and (lamp--conn-inbox conn)
                          (setf (lamp--conn-batch conn) (pop (lamp--conn-inbox conn))
                                (lamp--conn-position conn) 0)))
            (let* ((batch (lamp--conn-batch conn))
                   (i (lamp--conn-position conn)))
              (setf (lamp--conn-position conn) (+ i 3))
              (lamp--dispatch conn (aref batch i) (aref batch (+ i 1)) (aref batch (+ i 2)))))
          (setq finished t))
      ;; A quit escaped from a callback: deliver the rest soon rather than never.
      (unless finished
        (run-at-time 0 nil #'lamp--dispatch-inbox conn)))))

(defun lamp--callback-failed (call which err)
  "Log that the WHICH callback of CALL signalled ERR."
  (lamp--log "%s of %s signalled: %s" which (lamp--call-method call) (lamp--excerpt err))
  (message "lamp: %s of %s signalled %s" which (lamp--call-method call)
           (error-message-string err)))

(defun lamp--finish (call result error)
  "Deliver RESULT, or the condition ERROR when non-nil, to CALL's callbacks."
  (if error
      (let ((on-error (lamp--call-on-error call)))
        (if (not on-error)
            (lamp--log "%s failed: %s" (lamp--call-method call) (lamp--excerpt error))
          (condition-case err (funcall on-error error)
            (error (lamp--callback-failed call "on-error" err)))))
    (let ((on-result (lamp--call-on-result call)))
      (when on-result
        (condition-case err (funcall on-result result)
          (error (lamp--callback-failed call "on-result" err)))))))

(defun lamp--error-condition (error)
  "Return the `lamp-rpc-error' condition for the JSON-RPC ERROR object."
  (if (lamp--object-p error)
      (list 'lamp-rpc-error (alist-get 'code error) (alist-get 'message error)
            (alist-get 'data error))
    (list 'lamp-rpc-error nil "malformed error object" error)))

(defun lamp--dispatch (conn kind a b)
  "Act on one item received on CONN: KIND with A and B (see Transports)."
  (pcase kind
    ('result (lamp--reply conn a b nil))
    ('error (lamp--reply conn a nil (lamp--error-condition b)))
    ('notification (lamp--notification conn a b))
    ('problem (lamp--log "dropped input: %s" a))
    ('text (let ((message (lamp--parse a)))
             (when message (apply #'lamp--dispatch conn (lamp--classify message)))))
    (_ (let* ((message a)
              (method (and (lamp--object-p message) (alist-get 'method message))))
         (if (and (stringp method) (assq 'id message))
             ;; lamp makes no requests to clients today; answer as the spec wants.
             (progn
               (lamp--log "server request %s answered with -32601" method)
               (lamp--send conn (json-serialize
                                 (list :jsonrpc "2.0" :id (alist-get 'id message)
                                       :error (list :code -32601 :message "Method not found")))))
           (lamp--log (if (lamp--object-p message)
                          "ignored a malformed message: %s"
                        "ignored a message that is not a JSON-RPC object: %s")
                      (lamp--excerpt message)))))))

(defun lamp--reply (conn id result error)
  "Deliver the reply to request ID on CONN: RESULT, or the condition ERROR."
  (let ((call (gethash id (lamp--conn-pending conn))))
    (if (null call)
        (lamp--log "reply for unknown id %s: %s" (lamp--excerpt id)
                   (lamp--excerpt (or error result)))
      (remhash id (lamp--conn-pending conn))
      (unless (lamp--call-abandoned call)
        (lamp--finish call result error)))))

(defun lamp--notification (conn method params)
  "Deliver the notification METHOD with PARAMS received on CONN."
  (let* ((request-id (and (lamp--object-p params) (alist-get 'request_id params)))
         (call (and request-id (gethash request-id (lamp--conn-pending conn))))
         (on-notification (and call (not (lamp--call-abandoned call))
                               (lamp--call-on-notification call))))
    (when on-notification
      (condition-case err (funcall on-notification method params)
        (error (lamp--callback-failed call "on-notification" err))))
    (dolist (function lamp-notification-functions)
      (unless (eq function t)
        (condition-case err (funcall function method params)
          (error (lamp--log "lamp-notification-functions: %S signalled: %s"
                            function (lamp--excerpt err))))))))

;;;; Public API

(defun lamp--method-name (method)
  "Return METHOD (a string or symbol) as a string."
  (cond ((stringp method) method)
        ((keywordp method) (substring (symbol-name method) 1))
        ((symbolp method) (symbol-name method))
        (t (signal 'wrong-type-argument (list 'stringp method)))))

;;;###autoload
(cl-defun lamp-request (method params &key on-result on-error on-notification)
  "Send the request METHOD with PARAMS to lamp and return its id.
METHOD is a string.  PARAMS is encoded like `json-serialize' does:
an alist, plist or hash table for an object, a vector for an array,
nil for {}.  Return at once; the reply is delivered later:
ON-RESULT is called with the result (decoded like `json-parse-string'
with :object-type `alist' and :array-type `list', null as :null and
false as :false); ON-ERROR is called with an error condition,
\(lamp-rpc-error CODE MESSAGE DATA) for an error reply and
\(lamp-connection-error nil MESSAGE nil) when the connection ends;
ON-NOTIFICATION is called with (METHOD PARAMS) for each notification
whose params.request_id is this request's id.  Errors that callbacks
signal are logged in *lamp-log*.  Connects (and maybe starts the
server) first when needed."
  (let ((conn (lamp--ensure-connection))
        (method (lamp--method-name method))
        (id (1+ lamp--last-id)))
    ;; Serializing first: invalid PARAMS signal here, before anything is registered.
    (let ((params-json (and params (json-serialize params))))
      (setq lamp--last-id id)
      (puthash id (lamp--call-create :id id :method method :params-json params-json
                                     :on-result on-result :on-error on-error
                                     :on-notification on-notification)
               (lamp--conn-pending conn))
      (lamp--send-call conn id method params-json))
    id))

(defun lamp--abandon (conn id)
  "Drop the callbacks of request ID on CONN and ask the server to cancel it."
  (let ((call (and conn (gethash id (lamp--conn-pending conn)))))
    (when call
      ;; Keep the entry so that the late reply is recognised and dropped quietly.
      (setf (lamp--call-abandoned call) t)
      (when (lamp--live-p conn)
        (lamp--send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))))))

;;;###autoload
(defun lamp-request-sync (method params &optional timeout)
  "Send the request METHOD with PARAMS to lamp and return its result.
PARAMS and the result are as for `lamp-request'.  Wait at most
TIMEOUT seconds (default `lamp-request-timeout'), then signal
`lamp-timeout'.  Signal `lamp-rpc-error' for an error reply and
`lamp-connection-error' when no server answers or the connection
ends; all three are `lamp-error's with data (CODE MESSAGE DATA).
Quitting while waiting sends `$/cancelRequest' for the request and
drops its late reply."
  (let* ((timeout (or timeout lamp-request-timeout))
         (deadline (and timeout (+ (float-time) timeout)))
         (state nil)
         (value nil)
         (id (lamp-request method params
                           :on-result (lambda (result) (setq value result state 'done))
                           :on-error (lambda (condition) (setq value condition state 'failed))))
         (conn lamp--connection))
    (unwind-protect
        (while (not state)
          (let ((left (and deadline (- deadline (float-time)))))
            (if (and left (<= left 0))
                (setq state 'timeout)
              (accept-process-output (and (lamp--live-p conn) (lamp--conn-process conn))
                                     (if left (min left 1.0) 1.0)))))
      (unless (memq state '(done failed))
        ;; The request may have been sent again on a newer connection.
        (lamp--abandon conn id)
        (unless (eq conn lamp--connection) (lamp--abandon lamp--connection id))))
    (pcase state
      ('done value)
      ('failed (signal (car value) (cdr value)))
      (_ (signal 'lamp-timeout
                 (list nil (format "%s got no reply within %s s" (lamp--method-name method) timeout)
                       nil))))))

;;;###autoload
(defun lamp-cancel (id)
  "Ask lamp to cancel the request ID; return non-nil if it was pending.
Its ON-ERROR callback then receives a `lamp-rpc-error' with code
-32800, unless the result won the race."
  (let* ((conn lamp--connection)
         (call (and conn (gethash id (lamp--conn-pending conn)))))
    (when (and call (not (lamp--call-abandoned call)) (lamp--live-p conn))
      (lamp--send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))
      t)))

;;;###autoload
(defun lamp-notify (method params)
  "Send the notification METHOD with PARAMS to lamp (no reply comes).
PARAMS is encoded as for `lamp-request'."
  (let ((params-json (and params (json-serialize params))))
    (lamp--send-call (lamp--ensure-connection) nil (lamp--method-name method) params-json))
  nil)

;;;###autoload
(defun lamp-disconnect (&optional stop-server)
  "Close the connection to lamp; pending requests get a connection error.
With STOP-SERVER non-nil (interactively, a prefix argument), also stop
the server if this Emacs started it."
  (interactive "P")
  (let ((conn lamp--connection))
    (setq lamp--connection nil)
    (when conn (lamp--connection-lost conn "disconnected" t)))
  (when stop-server (lamp--stop-server-process))
  nil)

;;;###autoload
(defun lamp-status ()
  "Return a plist describing the connection to lamp.
Keys: :connected, :transport, :socket, :pending (requests waiting for
a reply), :server-process (the server this Emacs started, if any) and,
when connected, :server (the result of lamp's \"server.status\").
Interactively, show a summary in the echo area."
  (interactive)
  (let* ((conn lamp--connection)
         (live (lamp--live-p conn))
         (server (and live (condition-case nil
                               (lamp-request-sync "server.status" nil 2)
                             (lamp-error nil))))
         (status (list :connected (and live t)
                       :transport (if conn (lamp--conn-transport conn)
                                    (and (fboundp 'lamp-module--open) 'module))
                       :socket (if conn (lamp--conn-socket conn) (lamp-socket-path))
                       :pending (if conn (hash-table-count (lamp--conn-pending conn)) 0)
                       :server-process (and (process-live-p lamp--server-process)
                                            lamp--server-process)
                       :server server)))
    (when (called-interactively-p 'interactive)
      (message "lamp: %s via %s at %s, %d pending%s"
               (if live "connected" "not connected")
               (or (plist-get status :transport) lamp-transport)
               (plist-get status :socket) (plist-get status :pending)
               (if server
                   (format ", server: %s in flight, %s connection(s)"
                           (alist-get 'in_flight server) (alist-get 'connections server))
                 "")))
    status))

(provide 'lamp)
;;; lamp.el ends here
