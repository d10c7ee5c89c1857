;;; wisp.el --- Turn a comment into a reviewed code change  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp.el: the command users touch.  It sends the comment and the buffer to lamp's wisp.patch,
;; shows the verified diff in diff-mode, and applies the hunks the user accepts to the buffer.

;; Copyright (C) 2026 The wisp + lamp authors

;; Author: The wisp + lamp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: tools, convenience

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

;; Select a comment (or put point in one) that describes code, then
;; M-x wisp-apply-comment.  With a prefix argument, an extra
;; instruction is read from the minibuffer.  The request runs in the
;; background: the review buffer opens at once, without taking focus,
;; and shows its stage and the model's answer as it streams (see
;; `wisp-show-progress'; C-c C-k there, or M-x wisp-cancel, stops it;
;; the mode line shows the stage too).  The verified diff replaces the
;; progress, in `wisp-diff-mode':
;;
;;   a / C-c C-a   apply the hunk at point to the source buffer
;;   A             apply every hunk (one undo step)
;;   k             reject the hunk at point
;;   n / p         next / previous hunk
;;   r             run the request again on the current text
;;   q             quit (reject what is left)
;;
;; With evil: a, A, q, ]h and [h in normal state.  Applying edits the
;; buffer, never the file on disk.  If the buffer changed since the
;; request was sent, lamp merges the hunk with your edits (wisp.rebase,
;; a three-way merge); a hunk whose changed lines you also changed is
;; refused, stays in the review, and `r' runs the request again.
;;
;; When the diff arrives while the source buffer's window is selected,
;; the review window is selected (`wisp-select-review-window'); when
;; you have moved on, it is only displayed, and M-x wisp-review goes
;; to it later.
;;
;; wisp talks to lamp through lamp.el (see its commentary for the
;; socket and server options), or through acp.el and "nc -U" with
;; `wisp-transport' set to `acp' (see wisp-acp.el).

;;; Code:

(require 'cl-lib)
(require 'lamp)
(require 'newcomment)
(require 'project)
(require 'subr-x)
(require 'url-parse)
(require 'wisp-comments)
(require 'wisp-context)
(require 'wisp-diff)
(require 'wisp-errors)
(require 'wisp-progress)

(declare-function auth-source-search "auth-source")

;;;; Options

(defgroup wisp nil
  "Turn comments into reviewed code changes."
  :group 'tools
  :prefix "wisp-")

(defcustom wisp-model (let ((env (getenv "WISP_MODEL"))) (and env (not (string-empty-p env)) env))
  "Model to ask, or nil for the server's default.
The default comes from the environment variable WISP_MODEL when set."
  :type '(choice (const :tag "Server default" nil) string))

(defcustom wisp-temperature nil
  "Sampling temperature, or nil for the provider's default."
  :type '(choice (const :tag "Default" nil) number))

(defcustom wisp-max-tokens nil
  "Upper bound on the tokens of the model's reply, or nil for no bound."
  :type '(choice (const :tag "None" nil) integer))

(defcustom wisp-send-repo-map t
  "Whether lamp shows the model a map of the project with each request.
The map lists the project's files and their definitions (built with
universal-ctags, cut to LAMP_REPO_MAP_BYTES); nil leaves it out, which
sends fewer tokens and nothing about files outside the request."
  :type 'boolean)

(define-obsolete-variable-alias 'wisp-timeout 'wisp-request-timeout "0.1.0")

(defcustom wisp-request-timeout 180
  "Seconds after which a pending wisp request is cancelled."
  :type 'number)

(defcustom wisp-use-auth-source t
  "When non-nil, an auto-started lamp gets its API key from auth-source.
Used only when OPENAI_API_KEY is not set; the host is taken from the
base URL.  The key is passed in the server's environment, never on its
command line."
  :type 'boolean)

(defcustom wisp-language-alist
  '((python-mode . "python") (python-ts-mode . "python")
    (emacs-lisp-mode . "emacs-lisp") (lisp-interaction-mode . "emacs-lisp")
    (lisp-data-mode . "emacs-lisp") (c-mode . "c") (c-ts-mode . "c")
    (c++-mode . "c++") (c++-ts-mode . "c++") (rust-mode . "rust")
    (rust-ts-mode . "rust") (rustic-mode . "rust") (go-mode . "go")
    (go-ts-mode . "go") (js-mode . "javascript") (js2-mode . "javascript")
    (js-ts-mode . "javascript") (typescript-mode . "typescript")
    (typescript-ts-mode . "typescript") (tsx-ts-mode . "typescript")
    (sh-mode . "shell") (bash-ts-mode . "shell") (ruby-mode . "ruby")
    (java-mode . "java") (lua-mode . "lua") (haskell-mode . "haskell")
    (sql-mode . "sql") (css-mode . "css") (mhtml-mode . "html")
    (html-mode . "html") (markdown-mode . "markdown") (org-mode . "org"))
  "Language names sent to lamp for major modes (a mode or its parents)."
  :type '(alist :key-type symbol :value-type string))

(defcustom wisp-transport 'lamp
  "How wisp sends its requests to lamp.
`lamp': through lamp.el, which keeps one connection to the socket and
can start the server (see `lamp-auto-start').  `acp': through an acp.el
client that runs \"nc -U SOCKET\" (needs acp.el and a running lamp;
see wisp-acp.el).  Both reach the same socket, `lamp-socket-path'."
  :type '(choice (const :tag "lamp.el" lamp)
                 (const :tag "acp.el over nc -U" acp)))

(defvar wisp-transport-alist
  '((lamp :request lamp-request :cancel lamp-cancel :request-sync lamp-request-sync)
    (acp :feature wisp-acp :request wisp-acp-request :cancel wisp-acp-cancel
         :request-sync wisp-acp-request-sync))
  "The transports `wisp-transport' can name.
Each entry is (NAME :request FUNCTION :cancel FUNCTION :request-sync
FUNCTION [:feature FEATURE]).  The request function takes the arguments
of `lamp-request' and returns the request id; the cancel function takes
that id; the sync function takes those of `lamp-request-sync'.  FEATURE
is loaded before the transport is first used.")

(define-obsolete-variable-alias 'wisp-lamp-socket 'lamp-socket "0.1.0")
(define-obsolete-variable-alias 'wisp-lamp-program 'lamp-server-program "0.1.0")

;;;; Request state (buffer-local in the source buffer)

(defvar-local wisp--request nil
  "The pending request of this buffer: a plist (:id :timer :stage).")

(defvar-local wisp--stage nil
  "The pending request's stage for the mode line, or nil.")

(defun wisp--mode-line ()
  "Mode line text for the current buffer's pending request."
  (when wisp--stage (format " wisp:%s" wisp--stage)))

(unless (member '(:eval (wisp--mode-line)) mode-line-misc-info)
  (push '(:eval (wisp--mode-line)) mode-line-misc-info))

;;;; The request

(defun wisp--transport ()
  "The plist of the transport `wisp-transport' names, its feature loaded."
  (let ((entry (alist-get wisp-transport wisp-transport-alist)))
    (unless entry
      (user-error "Wisp: `wisp-transport' is %S; set it to one of: %s" wisp-transport
                  (mapconcat (lambda (e) (symbol-name (car e))) wisp-transport-alist ", ")))
    (when-let ((feature (plist-get entry :feature))) (require feature))
    entry))

(defun wisp--language ()
  "The language name of the current major mode."
  (or (cl-loop for mode = major-mode then (get mode 'derived-mode-parent)
               while mode
               thereis (alist-get mode wisp-language-alist))
      (string-remove-suffix "-mode" (symbol-name major-mode))))

(defun wisp--comment-style ()
  "\"block\" when the mode's comments need an end marker, else \"line\"."
  (comment-normalize-vars t)
  (if (and comment-end (not (string-empty-p (string-trim comment-end)))) "block" "line"))

(defun wisp--params (target instruction)
  "The wisp.patch params for TARGET in the current buffer.
TARGET is (selection . RANGE) or (selections . RANGES), as
docs/protocol.md names them.  INSTRUCTION, when non-nil, is sent along
with the comments."
  (save-restriction
    (widen)
    (let ((params `((file_path . ,(if buffer-file-name (expand-file-name buffer-file-name) (buffer-name)))
                    (language . ,(wisp--language))
                    (comment_style . ,(wisp--comment-style))
                    ,target
                    (buffer_text . ,(buffer-substring-no-properties (point-min) (point-max)))
                    (context . ((project_root . ,(or (wisp--project-root) :null))
                                (repo_map . ,(if wisp-send-repo-map t :false)))))))
      (when (and instruction (not (string-blank-p instruction)))
        (push (cons 'instruction instruction) params))
      (when wisp-model (push (cons 'model wisp-model) params))
      (when wisp-temperature (push (cons 'temperature wisp-temperature) params))
      (when wisp-max-tokens (push (cons 'max_tokens wisp-max-tokens) params))
      params)))

(defun wisp--range (start end)
  "START and END as a wisp.patch range."
  `((start_pos . ,start) (end_pos . ,end)))

(defun wisp--send (params request)
  "Send the wisp.patch PARAMS for the current buffer; return the request id.
REQUEST is the plist the review keeps (:rerun, and :comments for a
request with several comments).  Added here: :tick, :base-text (the
text sent, which hunks are merged from when the buffer changes
meanwhile), :request-sync (the transport's sync call, which asks for
that merge), :context (the project's context files sent, see
`wisp--context-entries'), :params (PARAMS without `refine') and :send (this
function), with which `R' in the review asks again, and
:cancel-request, with which `wisp-progress-cancel' cancels.  A :tick already in
REQUEST (a refined request, for the text first sent) is kept.  The
review buffer shows the request's progress (`wisp-show-progress'), and
the answer when it comes."
  (when wisp--request
    (user-error "Wisp: a request for this buffer is running (M-x wisp-cancel stops it)"))
  (let* ((transport (wisp--transport))
         (source (current-buffer))
         ;; The project's context files (`wisp-context-add'); a refinement keeps what was sent.
         (context (or (plist-get request :context)
                      (wisp--context-entries (wisp--project-root) buffer-file-name)))
         (params (if (or (null context) (assq 'files params))
                     params
                   (cons (cons 'files (vconcat (mapcar (lambda (e) `((path . ,(plist-get e :rel))
                                                                     (text . ,(plist-get e :text))))
                                                       context)))
                         params)))
         (request (append (list :tick (or (plist-get request :tick) (buffer-chars-modified-tick))
                                :context context
                                :base-text (alist-get 'buffer_text params)
                                :request-sync (plist-get transport :request-sync)
                                :params (assq-delete-all 'refine (copy-alist params))
                                :send #'wisp--send
                                :cancel-request #'wisp--cancel-request)
                          request))
         id)
    (setq id (condition-case err
                 (funcall (plist-get transport :request)
                          "wisp.patch" params
                          ;; A request cancelled meanwhile (by the user or the timeout) stays quiet.
                          :on-result (lambda (result)
                                       (when (wisp--finished source id)
                                         (unless (eq (alist-get 'ok result) t) (wisp--progress-end source))
                                         (wisp--show-result source request result)))
                          :on-error (lambda (err)
                                      (when (wisp--finished source id)
                                        (wisp--progress-end source)
                                        (message "%s" (wisp--error-message err))))
                          :on-notification (lambda (method p) (wisp--progress source id method p)))
               ;; Connecting failed: one sentence with the cause and the fix, not raw data.
               (lamp-error (user-error "%s" (wisp--error-message err)))))
    (setq wisp--request
          (list :id id
                :cancel (plist-get transport :cancel)
                :timer (run-at-time wisp-request-timeout nil #'wisp--timeout source id)))
    (setq wisp--stage "sent")
    (force-mode-line-update)
    (wisp--progress-open source request)
    (message "wisp: asking the model%s (%s stops it)..."
             (if context (format " with %d context file%s" (length context) (if (cdr context) "s" "")) "")
             (if (and wisp-show-progress (wisp--progress-buffer source))
                 "C-c C-k in the review or M-x wisp-cancel"
               "M-x wisp-cancel"))
    id))

;;;###autoload
(defun wisp-apply-comment (start end &optional instruction)
  "Ask lamp for the change the comment between START and END describes.
Interactively, the region when active, else the comment block at point.
With a prefix argument, read an extra INSTRUCTION.  The diff opens in a
`wisp-diff-mode' buffer when it arrives; Emacs stays usable meanwhile."
  (interactive
   (let ((bounds (if (use-region-p)
                     (cons (region-beginning) (region-end))
                   (or (wisp--comment-bounds)
                       (user-error "Wisp: select the instruction, or put point in a comment")))))
     (list (car bounds) (cdr bounds)
           (and current-prefix-arg (read-string "Instruction: ")))))
  (when (>= start end) (user-error "Wisp: the selection is empty"))
  (wisp--send (wisp--params (cons 'selection (wisp--range start end)) instruction)
              ;; `r' in the review: the same comment and instruction, current text.
              (list :rerun (lambda ()
                             (wisp-apply-comment start (min end (1+ (buffer-size))) instruction)))))

(defconst wisp--max-comments 50
  "The most comments one wisp.patch request carries (docs/protocol.md).")

(defun wisp--send-marked (beg end &optional predicate)
  "Send the marked comments between markers BEG and END in one request.
PREDICATE, when given, keeps only the comments (plists of
`wisp--marked-comments') it returns non-nil for.  Return the request
id, or nil when there is no such comment."
  (let ((comments (cl-remove-if (lambda (c) (or (string-empty-p (plist-get c :instruction))
                                                 (and predicate (not (funcall predicate c)))))
                                (wisp--marked-comments beg end))))
    (when comments
      (when (> (length comments) wisp--max-comments)
        (user-error "Wisp: %d marked comments; one request takes at most %d, so select a region with fewer"
                    (length comments) wisp--max-comments))
      (wisp--send
       (wisp--params (cons 'selections
                           (vconcat (mapcar (lambda (c)
                                              (append (wisp--range (plist-get c :start) (plist-get c :end))
                                                      `((instruction . ,(plist-get c :instruction)))))
                                            comments)))
                     nil)
       (list :comments (mapcar (lambda (c) (plist-get c :instruction)) comments)
             ;; `r' in the review: the marked comments of the same stretch, current text.
             :rerun (lambda ()
                      (or (wisp--send-marked beg end predicate)
                          (user-error "Wisp: no marked comment is left to send"))))))))

;;;###autoload
(defun wisp-apply-comments (beg end)
  "Ask lamp for the change of every marked comment, in one request.
Marked comments (see `wisp-comment-marker-regexp') are those like
\"# wisp: add type hints\" or \";; rename this to foo-bar AI!\".
Interactively, those in the region when it is active, else in the whole
buffer (BEG to END).  One review buffer shows every hunk, labelled with
the comment it answers."
  (interactive (if (use-region-p)
                   (list (region-beginning) (region-end))
                 (list (point-min) (point-max))))
  (or (wisp--send-marked (copy-marker beg) (copy-marker end t))
      (user-error "Wisp: no marked comment %s (write one like \"wisp: add type hints\" or \"... AI!\")"
                  (if (use-region-p) "in the region" "in this buffer"))))

(defun wisp--progress (source id method params)
  "Show a `$/progress' notification (METHOD, PARAMS) of request ID of SOURCE.
The mode line of SOURCE shows the stage; its review buffer in progress
shows the stage and the model's answer as it streams."
  (when (and (equal method "$/progress") (buffer-live-p source)
             (equal id (plist-get (buffer-local-value 'wisp--request source) :id)))
    (with-current-buffer source
      (setq wisp--stage (let ((stage (alist-get 'stage params)))
                          (if (equal stage "streaming")
                              (format "streaming %d" (or (alist-get 'chars params) 0))
                            stage)))
      (force-mode-line-update))
    (wisp--progress-update source params)))

(defun wisp--finished (source id)
  "Forget the request ID of SOURCE; return non-nil when it was pending."
  (when (buffer-live-p source)
    (with-current-buffer source
      (when (equal (plist-get wisp--request :id) id)
        (when-let ((timer (plist-get wisp--request :timer))) (cancel-timer timer))
        (setq wisp--request nil wisp--stage nil)
        (force-mode-line-update)
        t))))

(defun wisp--cancel-request (source)
  "Ask lamp to cancel SOURCE's pending request and forget it; return its id."
  (with-current-buffer source
    (let ((id (plist-get wisp--request :id)))
      (when id
        (funcall (plist-get wisp--request :cancel) id)
        (wisp--finished source id)
        (wisp--progress-end source))
      id)))

(defun wisp--timeout (source id)
  "Cancel the request ID of SOURCE that ran past `wisp-request-timeout'."
  (when (and (buffer-live-p source)
             (equal id (plist-get (buffer-local-value 'wisp--request source) :id)))
    (wisp--cancel-request source)
    (message "wisp: no answer within %s s; cancelled (see `wisp-request-timeout')"
             wisp-request-timeout)))

;;;###autoload
(defun wisp-cancel ()
  "Cancel the current buffer's pending wisp request."
  (interactive)
  (unless (wisp--cancel-request (current-buffer))
    (user-error "Wisp: no request is running for this buffer"))
  (message "wisp: cancelled"))

;;;; Starting lamp with a key from auth-source

(defun wisp--auth-source-environment ()
  "Environment entries giving an auto-started lamp its key from auth-source."
  (when (and wisp-use-auth-source (not (getenv "OPENAI_API_KEY")))
    (require 'auth-source)
    (let* ((base (or (getenv "OPENAI_BASE_URL") (getenv "OPENAI_API_BASE") "https://api.openai.com"))
           (host (url-host (url-generic-parse-url base)))
           (found (car (auth-source-search :host host :max 1)))
           (secret (plist-get found :secret)))
      (when (functionp secret) (setq secret (funcall secret)))
      (when (and (stringp secret) (not (string-empty-p secret)))
        (list (concat "OPENAI_API_KEY=" secret))))))

(add-hook 'lamp-server-environment-functions #'wisp--auth-source-environment)

(provide 'wisp)
;;; wisp.el ends here
