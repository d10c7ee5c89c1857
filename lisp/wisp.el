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
;; background (the mode line shows its stage; M-x wisp-cancel stops
;; it); the answer opens in a `wisp-diff-mode' buffer:
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
;; request was sent, a hunk is applied only if its text is still there
;; exactly; otherwise wisp says so and offers `r'.
;;
;; wisp talks to lamp through lamp.el (see its commentary for the
;; socket and server options).

;;; Code:

(require 'cl-lib)
(require 'diff-mode)
(require 'lamp)
(require 'newcomment)
(require 'project)
(require 'subr-x)

(declare-function evil-define-key* "evil-core")
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

(defun wisp--whole-line-comment ()
  "Return where the comment begins if the current line is only a comment."
  (save-excursion
    (back-to-indentation)
    (let ((indent (point)))
      (and (not (eolp))
           (eql (comment-search-forward (line-end-position) t) indent)
           indent))))

(defun wisp--comment-end (start)
  "Return the end of the comment beginning at START."
  (save-excursion
    (goto-char start)
    (forward-comment 1)
    (point)))

(defun wisp--comment-bounds ()
  "Bounds (START . END) of the comment block at point, or nil.
Adjacent whole-line comments form one block; a block that fills its
lines extends to the start of the next line."
  (comment-normalize-vars t)
  (save-excursion
    (let* ((ppss (syntax-ppss))
           (start (if (nth 4 ppss)
                      (nth 8 ppss)
                    (save-excursion (beginning-of-line)
                                    (comment-search-forward (line-end-position) t)))))
      (when start
        (let ((end (wisp--comment-end start)))
          (goto-char start)
          (when (eql (wisp--whole-line-comment) start)
            (while (and (zerop (forward-line -1)) (wisp--whole-line-comment))
              (setq start (wisp--whole-line-comment)))
            (goto-char end)
            (unless (bolp) (forward-line 1))
            (while (and (not (eobp)) (wisp--whole-line-comment))
              (setq end (wisp--comment-end (wisp--whole-line-comment)))
              (goto-char end)
              (unless (bolp) (forward-line 1)))
            (goto-char end)
            (when (and (not (bolp)) (looking-at-p "[ \t]*$"))
              (setq end (min (point-max) (1+ (line-end-position))))))
          (cons start end))))))

(defun wisp--project-root ()
  "The current project's root directory, or nil."
  (when-let ((project (project-current nil)))
    (expand-file-name (project-root project))))

(defun wisp--params (start end instruction)
  "The wisp.patch params for the text between START and END.
INSTRUCTION, when non-nil, is sent along with the comment."
  (save-restriction
    (widen)
    (let ((params `((file_path . ,(if buffer-file-name (expand-file-name buffer-file-name) (buffer-name)))
                    (language . ,(wisp--language))
                    (comment_style . ,(wisp--comment-style))
                    (selection . ((start_pos . ,start) (end_pos . ,end)))
                    (buffer_text . ,(buffer-substring-no-properties (point-min) (point-max)))
                    (context . ((project_root . ,(or (wisp--project-root) :null)))))))
      (when (and instruction (not (string-blank-p instruction)))
        (push (cons 'instruction instruction) params))
      (when wisp-model (push (cons 'model wisp-model) params))
      (when wisp-temperature (push (cons 'temperature wisp-temperature) params))
      (when wisp-max-tokens (push (cons 'max_tokens wisp-max-tokens) params))
      params)))

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
  (when wisp--request
    (user-error "Wisp: a request for this buffer is running (M-x wisp-cancel stops it)"))
  (let* ((source (current-buffer))
         (tick (buffer-chars-modified-tick))
         (params (wisp--params start end instruction))
         (request (list :start start :end end :instruction instruction :tick tick))
         id)
    (setq id (lamp-request
              "wisp.patch" params
              :on-result (lambda (result) (wisp--finished source id) (wisp--show-result source request result))
              :on-error (lambda (err) (wisp--finished source id) (message "%s" (wisp--error-message err)))
              :on-notification (lambda (method p) (wisp--progress source method p))))
    (setq wisp--request
          (list :id id
                :timer (run-at-time wisp-request-timeout nil #'wisp--timeout source id)))
    (setq wisp--stage "sent")
    (force-mode-line-update)
    (message "wisp: asking the model (M-x wisp-cancel to stop)...")
    id))

(defun wisp--progress (source method params)
  "Show a `$/progress' notification (METHOD, PARAMS) in SOURCE's mode line."
  (when (and (equal method "$/progress") (buffer-live-p source))
    (with-current-buffer source
      (setq wisp--stage (alist-get 'stage params))
      (force-mode-line-update))))

(defun wisp--finished (source id)
  "Forget the request ID of SOURCE."
  (when (buffer-live-p source)
    (with-current-buffer source
      (when (equal (plist-get wisp--request :id) id)
        (when-let ((timer (plist-get wisp--request :timer))) (cancel-timer timer))
        (setq wisp--request nil wisp--stage nil)
        (force-mode-line-update)))))

(defun wisp--timeout (source id)
  "Cancel the request ID of SOURCE that ran past `wisp-request-timeout'."
  (lamp-cancel id)
  (wisp--finished source id)
  (message "wisp: no answer within %s s; cancelled (see `wisp-request-timeout')" wisp-request-timeout))

;;;###autoload
(defun wisp-cancel ()
  "Cancel the current buffer's pending wisp request."
  (interactive)
  (let ((id (plist-get wisp--request :id)))
    (unless id (user-error "Wisp: no request is running for this buffer"))
    (lamp-cancel id)
    (wisp--finished (current-buffer) id)
    (message "wisp: cancelled")))

(defun wisp--error-message (err)
  "One line naming the cause of the lamp error ERR and what to do."
  (pcase-let* ((`(,symbol ,code ,message ,data) err)
               (detail (and (consp data) (alist-get 'detail data))))
    (pcase code
      ('-32005 (format "wisp: lamp is not configured: %s%s" message
                       (if detail (format " (%s)" detail) "")))
      ('-32001 (let ((status (and (consp data) (alist-get 'status data))))
                 (format "wisp: the model provider answered HTTP %s after %s attempt(s): %s%s"
                         status (and (consp data) (alist-get 'attempts data)) message
                         (if (eql status 429) "; you are rate limited, try again in a minute" ""))))
      ('-32002 (format "wisp: cannot reach the model provider (%s); check the network and OPENAI_BASE_URL"
                       (or detail message)))
      ('-32003 "wisp: lamp is busy with other requests; try again shortly")
      ('-32004 (format "wisp: the model's reply had no usable edit%s; rephrase the comment or give an instruction with C-u"
                       (if detail (format " (%s)" (car (split-string detail "\n"))) "")))
      ('-32800 "wisp: cancelled")
      ('-32602 (format "wisp: lamp refused the request: %s" (or detail message)))
      (_ (if (eq symbol 'lamp-connection-error)
             (format "wisp: cannot reach lamp: %s" message)
           (format "wisp: %s%s" message (if code (format " [%s]" code) "")))))))

;;;; Review

(defvar-local wisp--source nil "The buffer the diff in this buffer applies to.")
(defvar-local wisp--source-tick nil "SOURCE's `buffer-chars-modified-tick' the diff is based on.")
(defvar-local wisp--shifts nil "Applied hunks as (OLD-START . LINE-DELTA), for later hunks.")
(defvar-local wisp--origin nil "The request (plist) this diff answers, for re-running.")

(defvar wisp-diff-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "a") #'wisp-diff-apply-hunk)
    (define-key map (kbd "C-c C-a") #'wisp-diff-apply-hunk)
    (define-key map (kbd "A") #'wisp-diff-apply-all)
    (define-key map (kbd "k") #'wisp-diff-reject-hunk)
    (define-key map (kbd "r") #'wisp-diff-rerun)
    (define-key map (kbd "q") #'wisp-diff-quit)
    (define-key map (kbd "n") #'diff-hunk-next)
    (define-key map (kbd "p") #'diff-hunk-prev)
    map)
  "Keymap of `wisp-diff-mode'.")

(define-derived-mode wisp-diff-mode diff-mode "Wisp-Diff"
  "Review a change proposed by wisp; apply or reject its hunks.
\\{wisp-diff-mode-map}"
  (setq buffer-read-only t))

(with-eval-after-load 'evil
  (when (fboundp 'evil-define-key*)
    (evil-define-key* 'normal wisp-diff-mode-map
                      "a" #'wisp-diff-apply-hunk "A" #'wisp-diff-apply-all
                      "q" #'wisp-diff-quit "]h" #'diff-hunk-next "[h" #'diff-hunk-prev)))

(defun wisp--diff-buffer (source)
  "The diff buffer for SOURCE: its existing one, \"*wisp diff*\", or a new one."
  (or (cl-find-if (lambda (b) (eq (buffer-local-value 'wisp--source b) source))
                  (buffer-list))
      (let ((main (get-buffer "*wisp diff*")))
        (if (or (null main) (not (buffer-live-p (buffer-local-value 'wisp--source main))))
            (get-buffer-create "*wisp diff*")
          (generate-new-buffer (format "*wisp diff*<%s>" (buffer-name source)))))))

(defun wisp--show-result (source request result)
  "Show RESULT (wisp.patch's answer to REQUEST) for SOURCE."
  (let ((rationale (alist-get 'rationale result)))
    (if (not (eq (alist-get 'ok result) t))
        (message "wisp: no change proposed%s" (if (and rationale (not (string-empty-p rationale)))
                                                  (concat ": " rationale) ""))
      (let ((buffer (wisp--diff-buffer source)))
        (with-current-buffer buffer
          (let ((inhibit-read-only t))
            (erase-buffer)
            (insert (alist-get 'patch result)))
          (wisp-diff-mode)
          (setq wisp--source source
                wisp--source-tick (plist-get request :tick)
                wisp--shifts nil
                wisp--origin request)
          (setq header-line-format
                (and rationale (not (string-empty-p rationale))
                     (concat " " (car (split-string rationale "\n")))))
          (goto-char (point-min))
          (ignore-errors (diff-hunk-next)))
        (display-buffer buffer)
        (message "wisp: %s (a: apply hunk, A: apply all, q: quit)"
                 (if (and rationale (not (string-empty-p rationale))) rationale "change ready"))))))

(defun wisp--parse-hunk (text)
  "Parse the hunk TEXT into (OLD-START OLD-TEXT NEW-TEXT)."
  (unless (string-match "\\`@@ -\\([0-9]+\\)\\(?:,\\([0-9]+\\)\\)? \\+[0-9]+\\(?:,[0-9]+\\)? @@" text)
    (error "Not a hunk"))
  (let* ((start (string-to-number (match-string 1 text)))
         (count (if (match-string 2 text) (string-to-number (match-string 2 text)) 1))
         (old nil) (new nil) (last nil))
    (dolist (line (cdr (split-string text "\n")))
      (pcase (and (> (length line) 0) (aref line 0))
        (?\s (push (substring line 1) old) (push (substring line 1) new) (setq last 'both))
        (?- (push (substring line 1) old) (setq last 'old))
        (?+ (push (substring line 1) new) (setq last 'new))
        (?\\ (pcase last                  ; "\ No newline at end of file"
               ('old (push 'no-eol old)) ('new (push 'no-eol new))
               ('both (push 'no-eol old) (push 'no-eol new))))))
    (cl-flet ((join (lines)
                (let ((out ""))
                  (dolist (l (reverse lines) out)
                    (if (eq l 'no-eol)
                        (setq out (substring out 0 -1))
                      (setq out (concat out l "\n")))))))
      ;; A pure insertion (count 0) goes after line START.
      (list (if (zerop count) (1+ start) start) (join old) (join new)))))

(defun wisp--hunk-at-point ()
  "The bounds (BEG . END) of the hunk at point in the diff buffer."
  (save-excursion
    (unless (ignore-errors (diff-beginning-of-hunk t) t)
      (user-error "Wisp: no hunk at point"))
    (let ((bounds (diff-bounds-of-hunk)))
      (cons (car bounds) (cadr bounds)))))

(defun wisp--locate (old-text line)
  "Return the position of OLD-TEXT in the current buffer, expected at LINE.
The text must match exactly there, or once elsewhere when the buffer changed."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (forward-line (1- line))
      (cond ((and (<= (+ (point) (length old-text)) (1+ (buffer-size)))
                  (string= old-text (buffer-substring-no-properties (point) (+ (point) (length old-text)))))
             (point))
            ((string-empty-p old-text) nil)
            (t (goto-char (point-min))
               (let ((first (search-forward old-text nil t)))
                 (and first (not (search-forward old-text nil t))
                      (- first (length old-text)))))))))

(defun wisp--apply-hunk-text (text)
  "Apply the hunk TEXT to the source buffer; return non-nil when applied."
  (pcase-let* ((`(,start ,old ,new) (wisp--parse-hunk text))
               (shift (cl-loop for (s . delta) in wisp--shifts when (< s start) sum delta))
               (source wisp--source)
               (stale (/= (buffer-chars-modified-tick source) wisp--source-tick))
               (pos (with-current-buffer source (wisp--locate old (+ start shift)))))
    (unless pos
      (user-error (if stale
                      "Wisp: %s changed since the request and this hunk no longer applies; press r to run wisp again"
                    "Wisp: this hunk does not match %s")
                  (buffer-name source)))
    (with-current-buffer source
      (save-excursion
        (save-restriction
          (widen)
          (goto-char pos)
          (delete-region pos (+ pos (length old)))
          (insert new))))
    (push (cons start (- (cl-count ?\n new) (cl-count ?\n old))) wisp--shifts)
    (unless stale (setq wisp--source-tick (buffer-chars-modified-tick source)))
    t))

(defun wisp--remove-hunk (bounds)
  "Delete the hunk at BOUNDS from the diff buffer; quit when none is left."
  (let ((inhibit-read-only t))
    (delete-region (car bounds) (cdr bounds)))
  (if (save-excursion (goto-char (point-min)) (re-search-forward "^@@ " nil t))
      (ignore-errors (diff-beginning-of-hunk t))
    (wisp-diff-quit)))

(defun wisp--check-source ()
  "Signal a `user-error' when the source buffer is gone."
  (unless (buffer-live-p wisp--source)
    (user-error "Wisp: the buffer this diff was made for is gone")))

(defun wisp-diff-apply-hunk ()
  "Apply the hunk at point to the source buffer (not to the file)."
  (interactive)
  (wisp--check-source)
  (let ((bounds (wisp--hunk-at-point)))
    (wisp--apply-hunk-text (buffer-substring-no-properties (car bounds) (cdr bounds)))
    (wisp--remove-hunk bounds)))

(defun wisp-diff-apply-all ()
  "Apply every remaining hunk to the source buffer, as one undo step."
  (interactive)
  (wisp--check-source)
  (let ((hunks nil) (source wisp--source))
    (save-excursion
      (goto-char (point-min))
      (while (re-search-forward "^@@ " nil t)
        (let ((bounds (save-excursion (goto-char (match-beginning 0)) (wisp--hunk-at-point))))
          (push (buffer-substring-no-properties (car bounds) (cdr bounds)) hunks)
          (goto-char (cdr bounds)))))
    (unless hunks (user-error "Wisp: no hunk left to apply"))
    (let ((group (prepare-change-group source))
          (done nil))
      (unwind-protect
          (progn
            (with-current-buffer source (activate-change-group group))
            ;; Last hunk first, so earlier line numbers stay valid.
            (dolist (hunk hunks) (wisp--apply-hunk-text hunk))
            (setq done t))
        (with-current-buffer source
          (if done
              (progn (undo-amalgamate-change-group group) (accept-change-group group))
            (cancel-change-group group)))))
    (wisp-diff-quit)
    (message "wisp: applied %d hunk(s) to %s (undo reverts them)" (length hunks) (buffer-name source))))

(defun wisp-diff-reject-hunk ()
  "Drop the hunk at point without applying it."
  (interactive)
  (wisp--remove-hunk (wisp--hunk-at-point)))

(defun wisp-diff-rerun ()
  "Run the request of this diff again on the source buffer's current text."
  (interactive)
  (wisp--check-source)
  (let ((origin wisp--origin) (source wisp--source))
    (wisp-diff-quit)
    (with-current-buffer source
      (wisp-apply-comment (plist-get origin :start)
                          (min (plist-get origin :end) (1+ (buffer-size)))
                          (plist-get origin :instruction)))))

(defun wisp-diff-quit ()
  "Close the diff; hunks not applied are dropped."
  (interactive)
  (let ((buffer (current-buffer)))
    (quit-windows-on buffer)
    (kill-buffer buffer)))

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

(declare-function url-host "url-parse")
(declare-function url-generic-parse-url "url-parse")
(autoload 'url-generic-parse-url "url-parse")

(add-hook 'lamp-server-environment-functions #'wisp--auth-source-environment)

(provide 'wisp)
;;; wisp.el ends here
