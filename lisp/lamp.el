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
(require 'lamp-connection)


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
      (lamp--transport-send-call conn id method params-json))
    id))

(defun lamp--abandon (conn id)
  "Drop the callbacks of request ID on CONN and ask the server to cancel it."
  (let ((call (and conn (gethash id (lamp--conn-pending conn)))))
    (when call
      ;; Keep the entry so that the late reply is recognised and dropped quietly.
      (setf (lamp--call-abandoned call) t)
      (when (lamp--live-p conn)
        (lamp--transport-send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))))))

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
      (lamp--transport-send-call conn nil "$/cancelRequest" (json-serialize (list :id id)))
      t)))

;;;###autoload
(defun lamp-notify (method params)
  "Send the notification METHOD with PARAMS to lamp (no reply comes).
PARAMS is encoded as for `lamp-request'."
  (let ((params-json (and params (json-serialize params))))
    (lamp--transport-send-call (lamp--ensure-connection) nil (lamp--method-name method) params-json))
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
