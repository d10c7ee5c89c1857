;;; wisp-acp.el --- wisp transport over acp.el and `nc -U' to lamp  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-acp.el: the `acp' wisp transport (lamp's JSON-RPC methods sent through an acp.el client
;; running "nc -U SOCKET"), plus the client maker for acp.el and agent-shell sessions with lamp.

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

;; lamp speaks the Agent Client Protocol on its own socket, so acp.el
;; can talk to it with "nc -U SOCKET" as the agent command.  This file
;; uses that in two ways, and only when acp.el is installed:
;;
;; 1. A wisp transport.  With `wisp-transport' set to `acp', wisp sends
;;    its requests (wisp.patch, and $/cancelRequest) through an acp.el
;;    client instead of lamp.el's socket code, and lamp.el opens no
;;    connection.  `wisp-acp-request', `wisp-acp-request-sync',
;;    `wisp-acp-notify', `wisp-acp-cancel' and `wisp-acp-disconnect'
;;    take the arguments of their lamp.el namesakes and report errors
;;    with lamp.el's conditions, so other code can use them the same way.
;;    The server is not started from here: run "lamp serve" first.
;;    See docs/acp.md.
;;
;; 2. ACP sessions (lamp as an agent): `wisp-acp-make-client' makes the
;;    acp.el client, `wisp-acp-agent-shell-config' an agent-shell
;;    configuration:
;;
;;      (add-to-list 'agent-shell-agent-configs (wisp-acp-agent-shell-config))
;;
;; Values come back as acp.el decodes them: objects as alists with
;; symbol keys, arrays as lists, and JSON null and false as nil (lamp.el
;; gives :null and :false).

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'lamp)
(require 'acp nil t)

(declare-function acp-make-client "acp" (&rest args))
(declare-function acp-send-request "acp" (&rest args))
(declare-function acp-send-notification "acp" (&rest args))
(declare-function acp-subscribe-to-notifications "acp" (&rest args))
(declare-function acp-shutdown "acp" (&rest args))
(declare-function agent-shell-make-agent-config "agent-shell" (&rest args))

(defgroup wisp-acp nil
  "The acp.el transport for wisp, and lamp as an ACP agent."
  :group 'lamp
  :prefix "wisp-acp-")

(defcustom wisp-acp-command "nc"
  "Program that connects stdio to the lamp socket (OpenBSD netcat).
It is run as COMMAND -U SOCKET, the socket being `lamp-socket-path'."
  :type 'string)

;;;; State

(defvar wisp-acp--client nil
  "The acp.el client of the transport, or nil.")

(defvar wisp-acp--calls (make-hash-table :test 'eql)
  "Requests in flight: acp.el request id -> plist of callbacks.")

(defun wisp-acp-available-p ()
  "Return non-nil when acp.el is installed and loaded."
  (featurep 'acp))

(defun wisp-acp--ensure-acp ()
  "Signal a `user-error' unless acp.el is available."
  (unless (wisp-acp-available-p)
    (user-error "The `acp' wisp transport needs acp.el (not installed)")))

(defun wisp-acp-command-params ()
  "Return the arguments of `wisp-acp-command': -U and the socket."
  (list "-U" (lamp-socket-path)))

;;;; Clients

(defun wisp-acp-make-client (&optional buffer)
  "Return a new acp.el client for lamp; BUFFER is its context buffer.
This is the client maker for ACP sessions with lamp (agent-shell's
:client-maker)."
  (wisp-acp--ensure-acp)
  (let ((socket (lamp-socket-path)))
    (unless (file-exists-p socket)
      (lamp--connection-error `((reason . no-server) (socket . ,socket))
                              "No lamp server at %s (start it with \"lamp serve\")" socket))
    (acp-make-client :command wisp-acp-command
                     :command-params (list "-U" socket)
                     :context-buffer buffer)))

(defun wisp-acp-agent-shell-config ()
  "Return an agent-shell configuration for lamp (needs agent-shell).
Add it to `agent-shell-agent-configs', then run \\[agent-shell]."
  (wisp-acp--ensure-acp)
  (unless (require 'agent-shell nil t)
    (user-error "The agent-shell package is not installed"))
  (agent-shell-make-agent-config
   :identifier 'lamp
   :mode-line-name "lamp"
   :buffer-name "lamp"
   :shell-prompt "lamp> "
   :shell-prompt-regexp "lamp> "
   :client-maker #'wisp-acp-make-client))

(defun wisp-acp--process (client)
  "Return the process of acp.el CLIENT, or nil."
  (cdr (assq :process client)))

(defun wisp-acp--live-p (client)
  "Return non-nil when CLIENT's nc process is running."
  (let ((process (wisp-acp--process client)))
    (and process (process-live-p process))))

(defun wisp-acp--client ()
  "Return the transport's acp.el client, making it when needed."
  (unless (and wisp-acp--client
               (or (null (wisp-acp--process wisp-acp--client))
                   (wisp-acp--live-p wisp-acp--client)))
    (when wisp-acp--client (acp-shutdown :client wisp-acp--client))
    (clrhash wisp-acp--calls)
    (let ((client (wisp-acp-make-client)))
      (acp-subscribe-to-notifications :client client
                                      :on-notification #'wisp-acp--on-notification)
      (setq wisp-acp--client client)))
  wisp-acp--client)

;;;; Messages

(defun wisp-acp--listify (value)
  "Return VALUE with every vector (JSON array) turned into a list."
  (cond ((vectorp value) (mapcar #'wisp-acp--listify value))
        ((consp value)
         (if (and (consp (car value)) (symbolp (caar value)))
             (mapcar (lambda (pair) (cons (car pair) (wisp-acp--listify (cdr pair)))) value)
           (mapcar #'wisp-acp--listify value)))
        (t value)))

(defun wisp-acp--condition (error-object client)
  "Return the lamp.el condition for ERROR-OBJECT from acp.el CLIENT.
ERROR-OBJECT is the JSON-RPC error alist acp.el passes to on-failure."
  (let ((code (alist-get 'code error-object))
        (message (or (alist-get 'message error-object) "error"))
        (data (wisp-acp--listify (alist-get 'data error-object))))
    (if (wisp-acp--live-p client)
        (list 'lamp-rpc-error code message data)
      (list 'lamp-connection-error nil (format "Connection to lamp lost: %s" message)
            `((reason . lost) (socket . ,(lamp-socket-path)) (detail . ,message))))))

(defun wisp-acp--run (function &rest args)
  "Call FUNCTION with ARGS when non-nil, logging what it signals."
  (when function
    (condition-case err
        (apply function args)
      (error (message "wisp-acp: callback failed: %S" err)))))

(defun wisp-acp--on-notification (notification)
  "Hand NOTIFICATION to the request its params.request_id names."
  (let* ((params (wisp-acp--listify (alist-get 'params notification)))
         (call (gethash (alist-get 'request_id params) wisp-acp--calls)))
    (when call
      (wisp-acp--run (plist-get call :on-notification)
                     (alist-get 'method notification) params))))

;;;; Transport functions (the arguments of lamp.el's API)

(cl-defun wisp-acp-request (method params &key on-result on-error on-notification)
  "Send METHOD with PARAMS through acp.el; return the request id.
ON-RESULT gets the result, ON-ERROR a lamp.el error condition,
ON-NOTIFICATION (METHOD PARAMS) for each notification whose
params.request_id is this request's id."
  (wisp-acp--ensure-acp)
  (let* ((client (wisp-acp--client))
         (id nil))
    (acp-send-request
     :client client
     :request `((:method . ,method) (:params . ,params))
     :on-success (lambda (result)
                   (let ((call (gethash id wisp-acp--calls)))
                     (remhash id wisp-acp--calls)
                     (wisp-acp--run (plist-get call :on-result) (wisp-acp--listify result))))
     :on-failure (lambda (error-object _message)
                   (let ((call (gethash id wisp-acp--calls)))
                     (remhash id wisp-acp--calls)
                     (wisp-acp--run (plist-get call :on-error)
                                    (wisp-acp--condition error-object client)))))
    (setq id (alist-get :request-id client))
    (puthash id (list :on-result on-result :on-error on-error :on-notification on-notification)
             wisp-acp--calls)
    id))

(defun wisp-acp-request-sync (method params &optional timeout)
  "Send METHOD with PARAMS and wait for the result.
Wait at most TIMEOUT seconds (default `lamp-request-timeout'), then
signal `lamp-timeout'.  \\[keyboard-quit] cancels the request.  Errors
are signalled as lamp.el conditions."
  (let* ((timeout (or timeout lamp-request-timeout))
         (deadline (and timeout (+ (float-time) timeout)))
         (outcome nil)
         (id (wisp-acp-request method params
                               :on-result (lambda (result) (setq outcome (list :result result)))
                               :on-error (lambda (condition) (setq outcome (list :error condition))))))
    (condition-case nil
        (while (not outcome)
          (when (and deadline (> (float-time) deadline))
            (wisp-acp-cancel id)
            (signal 'lamp-timeout (list nil (format "%s timed out after %ss" method timeout) nil)))
          (accept-process-output (wisp-acp--process wisp-acp--client) 0.05))
      (quit (wisp-acp-cancel id)
            (signal 'quit nil)))
    (if (eq (car outcome) :error)
        (signal (car (cadr outcome)) (cdr (cadr outcome)))
      (cadr outcome))))

(defun wisp-acp-notify (method params)
  "Send the notification METHOD with PARAMS."
  (wisp-acp--ensure-acp)
  (acp-send-notification :client (wisp-acp--client)
                         :notification `((:method . ,method) (:params . ,params))))

(defun wisp-acp-cancel (id)
  "Ask lamp to cancel request ID; its late reply is dropped."
  (when (gethash id wisp-acp--calls)
    (remhash id wisp-acp--calls)
    (when (and wisp-acp--client (wisp-acp--live-p wisp-acp--client))
      (wisp-acp-notify "$/cancelRequest" `((id . ,id))))))

(defun wisp-acp-disconnect (&optional _stop-server)
  "Close the transport's connection; pending requests get no reply.
The server is never stopped from here."
  (when wisp-acp--client
    (acp-shutdown :client wisp-acp--client)
    (setq wisp-acp--client nil))
  (clrhash wisp-acp--calls))

(provide 'wisp-acp)
;;; wisp-acp.el ends here
