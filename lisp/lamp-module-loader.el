;;; lamp-module-loader.el --- Finding, compiling and loading lamp-module  -*- lexical-binding: t; -*-
;; SPDX-License-Identifier: GPL-3.0-or-later
;; lamp-module-loader.el: where lamp.el looks for lamp-module.so, `lamp-module-compile', and
;; the choice between the module and the pure-elisp transport.

;; Copyright (C) 2025 The wisp + lamp authors

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

;; Internal to lamp.el; the public API is in lamp.el.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'lamp-base)

(declare-function lamp-module--open "lamp-module")

;;;; Module loading

(defun lamp--source-root ()
  "Return the source tree lamp.el belongs to, or nil."
  (let ((root (expand-file-name ".." lamp--directory)))
    (and (file-exists-p (expand-file-name "module/CMakeLists.txt" root)) root)))

(defun lamp--module-candidates ()
  "Return the files lamp-module may be loaded from, best first."
  (let ((name (concat "lamp-module" (or module-file-suffix ".so"))))
    (if lamp-module-file
        (list (expand-file-name lamp-module-file))
      (list (expand-file-name (concat "../build/module/" name) lamp--directory)
            (expand-file-name name lamp--directory)))))

;;;###autoload
(defun lamp-module-compile ()
  "Compile lamp-module with CMake, showing the output in a buffer."
  (interactive)
  (let ((root (lamp--source-root)))
    (unless root
      (error "The lamp-module sources are not next to %s" lamp--directory))
    (unless (executable-find "cmake")
      (error "Compiling lamp-module needs cmake and a C++20 compiler"))
    (let* ((build (expand-file-name "build" root))
           (command (format "cmake -S %s -B %s && cmake --build %s --target lamp-module -j %d"
                            (shell-quote-argument root) (shell-quote-argument build)
                            (shell-quote-argument build) (max 1 (num-processors))))
           (buffer (get-buffer-create "*lamp-module-compile*")))
      (with-current-buffer buffer
        (let ((inhibit-read-only t))
          (erase-buffer)
          (insert command "\n\n"))
        (compilation-mode))
      (unless noninteractive (display-buffer buffer))
      (let* ((inhibit-read-only t)
             (default-directory root)
             (status (call-process shell-file-name nil buffer t
                                   shell-command-switch command)))
        (unless (eql status 0)
          (error "Compiling lamp-module failed; see %s" (buffer-name buffer)))
        (message "lamp-module compiled")))))

(defun lamp--compile-module-p ()
  "Return non-nil when the missing module should be compiled now."
  (pcase lamp-module-compile-when-missing
    ('always t)
    ('ask (and (not noninteractive)
               (lamp--source-root)
               (y-or-n-p "The lamp-module is not built.  Compile it now? ")))
    (_ nil)))

(defun lamp--load-module ()
  "Load lamp-module if needed; return non-nil when it is usable."
  (or (fboundp 'lamp-module--open)
      (and (not lamp--module-failure)
           (condition-case err
               (progn
                 (unless module-file-suffix
                   (error "This Emacs was built without dynamic module support"))
                 (let ((file (cl-find-if #'file-exists-p (lamp--module-candidates))))
                   (when (and (not file) (lamp--compile-module-p))
                     (lamp-module-compile)
                     (setq file (cl-find-if #'file-exists-p (lamp--module-candidates))))
                   (unless file
                     (error "No lamp-module file (looked for %s)"
                            (string-join (lamp--module-candidates) ", ")))
                   (module-load file))
                 (unless (fboundp 'lamp-module--open)
                   (error "The lamp-module file loaded but defined nothing"))
                 t)
             (error
              (setq lamp--module-failure (error-message-string err))
              (lamp--log "lamp-module unavailable: %s" lamp--module-failure)
              nil)))))

(defun lamp--choose-transport ()
  "Return the transport to use for a new connection."
  (pcase lamp-transport
    ('elisp 'elisp)
    ('module (if (lamp--load-module)
                 'module
               (signal 'lamp-error
                       (list nil (format "lamp-module unavailable: %s" lamp--module-failure)
                             `((reason . no-module) (detail . ,lamp--module-failure))))))
    (_ (if (lamp--load-module) 'module 'elisp))))

(provide 'lamp-module-loader)
;;; lamp-module-loader.el ends here
