package git

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	format "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/ingress-drift/ingress-drift/internal/pathx"
	"github.com/ingress-drift/ingress-drift/model"
)

// gitSettings are the git config values a commit needs, merged from every
// config file git reads, later files winning as in git.
type gitSettings map[string]string

// settingKeys are the keys read ("section.key", lower case).
var settingKeys = []string{
	"user.name", "user.email", "author.name", "author.email", "committer.name", "committer.email",
	"commit.gpgsign", "core.filemode", "core.logallrefupdates", "core.autocrlf", "core.attributesfile",
}

// settings reads the git config the way git does, lowest precedence first:
// the system file ($GIT_CONFIG_SYSTEM or /etc/gitconfig, skipped with
// $GIT_CONFIG_NOSYSTEM), the global files ($GIT_CONFIG_GLOBAL, else
// $XDG_CONFIG_HOME/git/config — ~/.config/git/config without XDG — and
// then ~/.gitconfig), and the repository's config. include.path is
// followed; includeIf is not. go-git's ConfigScoped is not used because it
// reads only the first global file that exists and ignores the
// GIT_CONFIG_* variables.
func (g *Repo) settings() (gitSettings, error) {
	var files []string
	if !envTrue("GIT_CONFIG_NOSYSTEM") {
		files = append(files, envOr("GIT_CONFIG_SYSTEM", "/etc/gitconfig"))
	}
	if global, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		files = append(files, global)
	} else {
		home, _ := os.UserHomeDir()
		if xdg := gitXDGDir(); xdg != "" {
			files = append(files, filepath.Join(xdg, "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	files = append(files, filepath.Join(g.common, "config"))
	s := gitSettings{}
	for _, f := range files {
		if err := s.read(f, 0); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// read merges one config file (and the files it includes, first) into s.
// A missing file is no error.
func (s gitSettings) read(file string, depth int) error {
	if file == "" || depth > 10 {
		return nil
	}
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading git config %s: %w", file, pathx.UnwrapPathError(err))
	}
	cfg := format.New()
	if err := format.NewDecoder(strings.NewReader(string(data))).Decode(cfg); err != nil {
		return fmt.Errorf("reading git config %s: %w", file, err)
	}
	if cfg.HasSection("include") {
		for _, inc := range cfg.Section("include").OptionAll("path") {
			if inc = expandHome(inc); !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(file), inc)
			}
			if err := s.read(inc, depth+1); err != nil {
				return err
			}
		}
	}
	for _, k := range settingKeys {
		sec, key, _ := strings.Cut(k, ".")
		if cfg.HasSection(sec) && cfg.Section(sec).HasOption(key) {
			s[k] = cfg.Section(sec).Option(key)
		}
	}
	return nil
}

// bool reads a boolean setting; def when unset.
func (s gitSettings) bool(key string, def bool) bool {
	v, ok := s[key]
	if !ok {
		return def
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "false", "no", "off", "0":
		return false
	case "":
		return def
	}
	return true
}

// identity is the author and committer of a new commit, as git computes
// them: $GIT_AUTHOR_NAME/EMAIL (COMMITTER), else author.name/email
// (committer.*), else user.name/email. Missing values are refused, saying
// how to set them.
func (s gitSettings) identity(when time.Time, gitRoot string) (author, committer object.Signature, err error) {
	pick := func(role, field string) string {
		if v := os.Getenv("GIT_" + strings.ToUpper(role) + "_" + strings.ToUpper(field)); v != "" {
			return v
		}
		if v := s[role+"."+field]; v != "" {
			return v
		}
		return s["user."+field]
	}
	author = object.Signature{Name: crud(pick("author", "name")), Email: crud(pick("author", "email")), When: when}
	committer = object.Signature{Name: crud(pick("committer", "name")), Email: crud(pick("committer", "email")), When: when}
	var missing []string
	if author.Name == "" || committer.Name == "" {
		missing = append(missing, "user.name")
	}
	if author.Email == "" || committer.Email == "" {
		missing = append(missing, "user.email")
	}
	if len(missing) > 0 {
		return author, committer, &model.RefusedError{Reason: fmt.Sprintf(
			"git does not know who commits: %s %s not set; set it with "+
				"`git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com` "+
				"(or without --global, inside %s, for this repository only)", strings.Join(missing, " and "), map[bool]string{true: "is", false: "are"}[len(missing) == 1], gitRoot)}
	}
	return author, committer, nil
}

// crud removes what git removes from an identity: the characters that
// would break the commit header, and surrounding blanks.
func crud(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' || r == '\n' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func envTrue(name string) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// expandHome expands a leading "~/" to the home directory, as git does
// for paths in its configuration.
func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		home, _ := os.UserHomeDir()
		return filepath.Join(home, p[2:])
	}
	return p
}

// gitXDGDir is git's XDG configuration directory ($XDG_CONFIG_HOME/git,
// else ~/.config/git), or "" without either.
func gitXDGDir() string {
	if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
		return filepath.Join(xdg, "git")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".config", "git")
	}
	return ""
}
