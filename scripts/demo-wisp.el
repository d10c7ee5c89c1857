;;; demo-wisp.el --- Batch demo of wisp-apply-comment on examples/  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; demo-wisp.el: what `make demo' shows in Emacs: for each example file, the comment at point (or
;; every marked comment, or the comment with another file in the project's context) goes to lamp,
;; the *wisp diff* buffer is printed as it looks (with the labels naming the comments), all hunks
;; are applied, and the code is printed.

;;; Code:

(require 'wisp)
(require 'wisp-context)

(setq lamp-module-compile-when-missing 'never)

(defvar demo-wisp-root (expand-file-name ".." (file-name-directory load-file-name)))

(defun demo-wisp--banner (text)
  "Print TEXT as a section title."
  (princ (format "\n\e[1m== %s\e[0m\n" text)))

(defun demo-wisp--as-shown (buffer)
  "BUFFER's text with the labels its overlays show above lines."
  (with-current-buffer buffer
    (let ((labels (sort (mapcar (lambda (o) (cons (overlay-start o) (overlay-get o 'before-string)))
                                (cl-remove-if-not (lambda (o) (overlay-get o 'before-string))
                                                  (overlays-in (point-min) (point-max))))
                        (lambda (a b) (> (car a) (car b)))))
          (text (buffer-substring-no-properties (point-min) (point-max))))
      ;; Last label first, so earlier positions stay valid.
      (dolist (label labels text)
        (let ((at (- (car label) (point-min))))
          (setq text (concat (substring text 0 at) (substring-no-properties (cdr label))
                             (substring text at))))))))

(defun demo-wisp--unchanged-p (file name)
  "Non-nil when FILE holds what examples/NAME holds."
  (equal (with-temp-buffer (insert-file-contents file) (buffer-string))
         (with-temp-buffer (insert-file-contents (expand-file-name (concat "examples/" name) demo-wisp-root))
                           (buffer-string))))

(defun demo-wisp-run (name mode pattern &optional command context)
  "Run wisp's COMMAND on examples/NAME in MODE with point at PATTERN.
COMMAND defaults to `wisp-apply-comment'.  CONTEXT names other example
files put in the project (a git work tree) and in its wisp context."
  (setq command (or command #'wisp-apply-comment))
  (let* ((dir (make-temp-file "wisp-demo" t))
         (file (expand-file-name name dir))
         (lateness 0.0)
         (last nil)
         timer)
    (dolist (f (cons name context))
      (copy-file (expand-file-name (concat "examples/" f) demo-wisp-root) (expand-file-name f dir)))
    (when context
      (let ((default-directory dir)) (call-process "git" nil nil nil "init" "-q"))
      (dolist (f context)
        (wisp-context-add (expand-file-name f dir))
        (princ (format "M-x wisp-context-add in %s: %s\n" f (current-message)))))
    (with-current-buffer (find-file-noselect file)
      (funcall mode)
      (goto-char (point-min))
      (search-forward pattern)
      (lamp-request-sync "ping" nil)   ; connect first: time the request, not the connection
      (demo-wisp--banner (format "M-x %s in %s (point on line %d, transport %s)"
                                 command name (line-number-at-pos) (plist-get (lamp-status) :transport)))
      (setq last (float-time)
            timer (run-at-time 0.05 0.05 (lambda ()
                                           (let ((now (float-time)))
                                             (setq lateness (max lateness (- now last 0.05))
                                                   last now)))))
      (let ((t0 (float-time))
            (source (current-buffer))
            diff)
        (call-interactively command)
        (while (and (not (setq diff (cl-find-if (lambda (b) (and (eq (buffer-local-value 'wisp--source b) source)
                                                              (eq (buffer-local-value 'major-mode b) 'wisp-diff-mode)))
                                                (buffer-list))))
                    (< (- (float-time) t0) 30))
          (accept-process-output nil 0.01))
        (cancel-timer timer)
        (unless diff (error "No diff arrived"))
        (princ (format "diff shown after %.0f ms; worst lateness of a 50 ms timer meanwhile: %.1f ms\n"
                       (* 1000 (- (float-time) t0)) (* 1000 lateness)))
        (demo-wisp--banner (format "%s (%s)" (buffer-name diff) (with-current-buffer diff major-mode)))
        (princ (demo-wisp--as-shown diff))
        (with-current-buffer diff (wisp-diff-apply-all))
        (dolist (f (cons name context))
          (with-current-buffer (find-buffer-visiting (expand-file-name f dir))
            (demo-wisp--banner (format "%s after wisp-diff-apply-all (the file on disk is %s)" f
                                       (if (demo-wisp--unchanged-p (expand-file-name f dir) f)
                                           "untouched" "CHANGED")))
            (princ (buffer-string))
            (set-buffer-modified-p nil)
            (kill-buffer)))))
    (clrhash wisp--contexts)
    (delete-directory dir t)))

(demo-wisp-run "fizzbuzz.py" #'python-mode "# TODO")
(demo-wisp-run "greet.el" #'emacs-lisp-mode ";; Write")
(demo-wisp-run "inventory.py" #'python-mode "def restock" #'wisp-apply-comments)
(demo-wisp-run "checkout.py" #'python-mode "# TODO" nil '("pricing.py"))

;;; demo-wisp.el ends here
