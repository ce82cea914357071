// Package yamledit writes the live state of an Ingress back into its
// manifest ("accept live"), editing the bytes of the document in place so
// that nothing but the changed values moves: comments, key order, quoting,
// indentation, blank lines, line endings and the other documents of the
// file stay byte for byte. It is pure — bytes in, bytes out, no files, no
// git — and the accept action calls it for the write-back (removing a
// whole document is gitrepo.RemoveDocument).
//
// # Why byte splicing
//
// Re-encoding a yaml.v3 node tree, or kyaml's ByteReader/ByteWriter,
// changes lines nobody touched (DESIGN.md measured four on a small file:
// header comment dropped, indentation and quoting normalized). So the
// editor parses the document with go.yaml.in/yaml/v3 only for positions
// (line and column of every node), asks diffengine.Diff(document, want)
// for the exact changes, finds each change's node from its locator
// (Change.At) with diffengine's own matching rules (rules by host, paths by path and pathType, TLS entries by
// secretName or else by their hosts; merged duplicates all edited), and
// replaces only those bytes. A self-check then decodes the result strictly
// and diffs it against want again; any drift left, or a result that no
// longer parses, is an error and nothing is returned.
//
// # What is written, and how
//
//   - A changed scalar: only the scalar's own text is replaced. Its quoting
//     style stays when the new value allows it (plain stays plain unless
//     the value would read as something else, in YAML 1.2 or in the YAML
//     1.1 that sigs.k8s.io/yaml reads: "yes", "on", "0777" get double
//     quotes; single quotes stay single; double quotes stay double; numbers
//     are plain); a trailing comment stays ("number: 8080   # the API" →
//     "number: 8081   # the API"). A block scalar (| or >, e.g. an nginx
//     configuration-snippet) stays a block scalar with its indentation and
//     header comment; when the new value cannot be one (it ends in two line
//     breaks, starts with a space, holds control characters) it becomes a
//     double-quoted string.
//   - An added map key (annotation, label, ingressClassName,
//     defaultBackend, a port name…): new lines at the indentation of its
//     siblings, in kubectl's field order where the key has one (labels
//     before annotations, ingressClassName, defaultBackend, tls, rules;
//     host before http; path, pathType, backend…), else after the last
//     key. A missing parent (no "annotations:" under metadata) is written
//     with it, indented by the step the document uses (detected, default
//     2). A key added before the first key of a list item ("- http:" gaining
//     a host) goes onto the dash line.
//   - A removed key or list item: its lines, with the comment lines right
//     above it at its own indentation (its head comment) and the comment
//     lines below it indented deeper (inside it). A comment at the next
//     item's indentation stays with the next item. A block mapping or list
//     left empty takes its key with it (no "annotations:" or "tls:" reading
//     as null is left behind); a first key on a dash line is replaced by the
//     next key moving up.
//   - An added rule, path or TLS entry: rendered from the live object's
//     own element (so the lists inside keep live's order) as block YAML in
//     the list's own dash style ("- host:" at the key's column or
//     indented), placed after the element that precedes it in the live
//     object's order (else first), keys in kubectl's field order. Lists of
//     scalars (TLS hosts) follow the document: written in flow style
//     ("[a, b]") if the document writes such lists that way. A TLS entry
//     without secretName is matched by its host set, so a host added to it
//     rewrites the entry.
//   - Flow collections ({a: 1}, [a, b], and JSON files): entries are added
//     as ", key: value" in the same syntax — JSON stays valid JSON, with
//     double-quoted keys and strings, on a new line when the collection has
//     one entry per line — and removed with one adjoining comma.
//   - CRLF documents stay CRLF (new lines get CRLF too); a document without
//     a final line break still has none.
//
// Never written: anything diffengine does not report — server-managed
// fields, status, last-applied, values hidden by built-in ignore rules (or
// the user's, with Edit), a namespace the manifest leaves out, a default
// the API server would fill in.
//
// # Refused (error wrapping ErrUnsupported; the caller writes nothing)
//
//   - An edit that goes through an alias ("the value is an alias (*x): edit
//     the anchored value by hand") or changes or removes a node an alias
//     refers to ("the value is anchored (&x) and used by an alias: edit it
//     by hand"). Anchors and aliases elsewhere are left alone.
//   - A mapping with a merge key on the way ("the mapping uses a merge key
//     (<<): edit it by hand"), and a scalar with an explicit tag ("the value
//     has an explicit tag (!!int): edit it by hand").
//   - An edit that would leave an empty list item, two edits touching the
//     same text, a document whose lists do not line up with their decoded
//     form, a value whose extent cannot be found (an unusual multi-line plain
//     scalar), and any result that fails the self-check ("the edited
//     document still differs from the live object at <paths>").
//
// Not edited at all (plain errors): a document that does not decode
// strictly as a networking.k8s.io/v1 Ingress (a List, an unknown field, a
// duplicate key, tab indentation), more than one document or text after
// the document (ParseDocument, the rule the repository parser shares), and
// a want naming another object than the document does.
package yamledit
