;;; wisp-context-test.el --- Project context and changes to several files  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; wisp-context-test.el: M-x wisp-context-add / wisp-context / d, and a comment whose change
;; reaches a context file: the review shows both files and A changes both buffers, never the disk.

;;; Commentary:

;; Keys are typed with `execute-kbd-macro' into the selected window,
;; against the real lamp and the fake upstream.  Each test works in a
;; fresh git work tree, so project.el finds the project.
;; Environment: see wisp-test-support.el.

;;; Code:

(load (expand-file-name "wisp-test-support" (file-name-directory (or load-file-name buffer-file-name)))
      nil t)
(require 'wisp-context)

(defconst wisp-context-test--app
  "from lib.util import area\n\n# TODO: print the area of a 2x3 box with the helper\nprint(0)\n"
  "src/app.py of the test project.")

(defconst wisp-context-test--util "def area(w, h):\n    return w * h\n"
  "lib/util.py of the test project, as saved.")

(defconst wisp-context-test--reply
  (concat "Gave the helper a default and used it.\n\n"
          "lib/util.py\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n\n"
          "src/app.py\n<<<<<<< SEARCH\n# TODO: print the area of a 2x3 box with the helper\nprint(0)\n"
          "=======\nprint(area(2, 3))\n>>>>>>> REPLACE\n")
  "The fake model's answer: one block for each file.")

(defmacro wisp-context-test--in-project (&rest body)
  "Run BODY in src/app.py of a fresh git project that also has lib/util.py.
`root' is bound to the project's directory; the buffer is shown alone."
  (declare (indent 0))
  `(let* ((root (file-name-as-directory (make-temp-file "wisp-context" t)))
          (default-directory root))
     (make-directory (expand-file-name "src" root))
     (make-directory (expand-file-name "lib" root))
     (with-temp-file (expand-file-name "src/app.py" root) (insert wisp-context-test--app))
     (with-temp-file (expand-file-name "lib/util.py" root) (insert wisp-context-test--util))
     (call-process "git" nil nil nil "init" "-q")
     (call-process "git" nil nil nil "add" ".")
     (clrhash wisp--contexts)
     (let ((buffers nil))
       (unwind-protect
           (with-current-buffer (find-file-noselect (expand-file-name "src/app.py" root))
             (push (current-buffer) buffers)
             (python-mode)
             (buffer-enable-undo)
             (wisp-test--show (current-buffer))
             ,@body)
         (dolist (b (append buffers (list (get-file-buffer (expand-file-name "lib/util.py" root)))))
           (when (buffer-live-p b)
             (with-current-buffer b (set-buffer-modified-p nil))
             (kill-buffer b)))
         (when (get-buffer "*wisp context*") (kill-buffer "*wisp context*"))
         (clrhash wisp--contexts)
         (delete-directory root t)))))

(defun wisp-context-test--file-text (file)
  "The text of FILE on disk."
  (with-temp-buffer (insert-file-contents file) (buffer-string)))

(ert-deftest wisp-context-add-list-and-remove-with-keys ()
  "M-x wisp-context-add adds the buffer's file; M-x wisp-context lists it; d removes it."
  (wisp-test--start)
  (wisp-context-test--in-project
    (let ((util (find-file-noselect (expand-file-name "lib/util.py" root))))
      (wisp-test--show util)
      (should-not (wisp-test--type "M-x wisp-context-add RET"))
      (should (equal (wisp-test--last-message)
                     (format "wisp: added lib/util.py; the context of %s has 1 file"
                             (abbreviate-file-name root))))
      ;; Adding it again says so and adds nothing.
      (should-not (wisp-test--type "M-x wisp-context-add RET"))
      (should (string-match-p "lib/util.py is already in the context" (wisp-test--last-message)))
      (should-not (wisp-test--type "M-x wisp-context RET"))
      (should (equal (buffer-name (window-buffer (selected-window))) "*wisp context*"))
      (with-current-buffer "*wisp context*"
        (should (string-match-p "lib/util.py" (buffer-string)))
        (goto-char (point-min))
        (should (search-forward "lib/util.py" nil t))
        (beginning-of-line))
      (should-not (wisp-test--type "d"))
      (should (string-match-p "removed lib/util.py; the context of .* has 0 files" (wisp-test--last-message)))
      (with-current-buffer "*wisp context*"
        (should-not (string-match-p "lib/util.py" (buffer-string))))
      (should-not (wisp--context-entries root nil)))))

(ert-deftest wisp-context-add-with-a-prefix-reads-a-project-file ()
  "C-u M-x wisp-context-add completes the project's files; errors are user errors."
  (wisp-test--start)
  (wisp-context-test--in-project
    (should-not (wisp-test--type "C-u M-x wisp-context-add RET lib/util.py RET"))
    (should (equal (mapcar (lambda (e) (plist-get e :rel)) (wisp--context-entries root nil))
                   '("lib/util.py")))
    ;; Removing a file that is not there, and adding from a buffer with no file, say why.
    (should (string-match-p "not in the context"
                            (or (wisp-test--type "M-x wisp-context-remove RET src/app.py RET") "")))
    (with-temp-buffer
      (wisp-test--show (current-buffer))
      (should (string-match-p "visits no file" (or (wisp-test--type "M-x wisp-context-add RET") ""))))))

(ert-deftest wisp-context-change-in-two-files-then-A ()
  "A comment whose change reaches a context file: both are reviewed, A changes both buffers only."
  (wisp-test--start)
  (wisp-context-test--in-project
    (let* ((source (current-buffer))
           (util-file (expand-file-name "lib/util.py" root))
           (util (find-file-noselect util-file)))
      ;; The helper's buffer has an unsaved edit: that text is what is sent.
      (with-current-buffer util
        (buffer-enable-undo)
        (goto-char (point-max))
        (insert "\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n")
        (undo-boundary))
      (wisp-context-add util-file)
      (wisp-test--control "enqueue" `((content . ,wisp-context-test--reply)))
      (wisp-test--goto "# TODO")
      (should-not (wisp-test--type "C-c w"))
      (should (string-match-p "with 1 context file" (or (current-message) (wisp-test--last-message) "")))
      (let ((review (wisp-test--diff-buffer-of source)))
        (should review)
        ;; The model was sent the helper's unsaved text with its path.
        (let* ((requests (alist-get 'requests (wisp-test--control "log")))
               (prompt (alist-get 'content (nth 1 (alist-get 'messages (alist-get 'body (car (last requests))))))))
          (should (string-match-p "File: lib/util.py" prompt))
          (should (string-match-p "def perimeter" prompt)))
        (with-current-buffer review
          (should (string-match-p "changes src/app.py, lib/util.py" (format "%s" header-line-format)))
          (should (string-match-p "^\\+\\+\\+ b/lib/util.py" (buffer-string))))
        (should (eq (window-buffer (selected-window)) review))
        (should-not (wisp-test--type "A"))
        (should (equal (with-current-buffer source (buffer-string))
                       "from lib.util import area\n\nprint(area(2, 3))\n"))
        (should (string-prefix-p "def area(w, h=1):\n" (with-current-buffer util (buffer-string))))
        (should (string-match-p "def perimeter" (with-current-buffer util (buffer-string))))
        ;; Nothing was written to disk.
        (should (equal (wisp-context-test--file-text util-file) wisp-context-test--util))
        (should (equal (wisp-context-test--file-text (expand-file-name "src/app.py" root)) wisp-context-test--app))
        ;; One undo step per buffer takes each change back (the command loop ends A with a
        ;; boundary; batch does not).
        (dolist (b (list util source)) (with-current-buffer b (undo-boundary)))
        (wisp-test--show util)
        (should-not (wisp-test--type "C-/"))
        (should (string-prefix-p "def area(w, h):\n" (buffer-string)))
        (should (string-match-p "def perimeter" (buffer-string)))
        (wisp-test--show source)
        (should-not (wisp-test--type "C-/"))
        (should (equal (buffer-string) wisp-context-test--app))))))

(ert-deftest wisp-context-file-not-visited-is-read-and-visited-on-apply ()
  "A context file no buffer visits is sent from disk; applying its hunk visits it, unsaved."
  (wisp-test--start)
  (wisp-context-test--in-project
    (let* ((source (current-buffer))
           (util-file (expand-file-name "lib/util.py" root)))
      (wisp-context-add util-file)
      (should-not (find-buffer-visiting util-file))
      (wisp-test--control "enqueue" `((content . ,wisp-context-test--reply)))
      (wisp-test--goto "# TODO")
      (should-not (wisp-test--type "C-c w"))
      (should (wisp-test--diff-buffer-of source))
      (should-not (wisp-test--type "A"))
      (let ((util (find-buffer-visiting util-file)))
        (should util)
        (should (buffer-modified-p util))
        (should (string-prefix-p "def area(w, h=1):\n" (with-current-buffer util (buffer-string)))))
      (should (equal (wisp-context-test--file-text util-file) wisp-context-test--util)))))

(ert-deftest wisp-context-repo-map-is-sent-unless-turned-off ()
  "The model sees the project's map (lib/util.py's area) unless `wisp-send-repo-map' is nil."
  (wisp-test--start)
  (wisp-context-test--in-project
    (let ((own "<<<<<<< SEARCH\nprint(0)\n=======\nprint(area(2, 3))\n>>>>>>> REPLACE\n"))
      (dolist (send '(t nil))
        (let ((wisp-send-repo-map send)
              (source (current-buffer)))
          (wisp-test--control "enqueue" `((content . ,own)))
          (wisp-test--show source)
          (wisp-test--goto "# TODO")
          (should-not (wisp-test--type "C-c w"))
          (let ((review (wisp-test--diff-buffer-of source)))
            (should review)
            (let* ((requests (alist-get 'requests (wisp-test--control "log")))
                   (prompt (alist-get 'content (nth 1 (alist-get 'messages (alist-get 'body (car (last requests))))))))
              (should (eq (and (string-match-p "The project's map" prompt)
                               (string-match-p "lib/util.py\n  def area(w, h)" prompt)
                               t)
                          send)))
            (with-current-buffer review (wisp-test--type "q"))
            (kill-buffer review)))))))

(provide 'wisp-context-test)
;;; wisp-context-test.el ends here
