// receipt_verify checks receipts handed out by a running Agora server with Go's independent
// implementation (golang.org/x/mod/sumdb/note and sumdb/tlog), against a pinned key:
//
//	receipt_verify BASE_URL VKEY RECEIPT.json...
//
// For each receipt (the answer of a submission: {"id", "receipt": {...}}): the receipt's
// checkpoint verifies with VKEY (note.Open); the entry at leaf_index, fetched from
// /api/v1/log/entries, hashes to the receipt's leaf_hash (tlog.RecordHash); the receipt's
// inclusion proof leads to the checkpoint's root (tlog.CheckRecord); and the server's current
// checkpoint, also verified with VKEY, is consistent with the receipt's
// (/api/v1/log/proof/consistency, tlog.CheckTree). It prints one line per receipt and exits 1 at
// the first failure.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "receipt_verify: "+format+"\n", args...)
	os.Exit(1)
}

type checkpoint struct {
	size int64
	root tlog.Hash
}

// open verifies a signed checkpoint with v and parses its body (origin, size, root).
func open(text string, v note.Verifier) checkpoint {
	n, err := note.Open([]byte(text), note.VerifierList(v))
	if err != nil {
		fail("checkpoint does not verify with the pinned key: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != v.Name() {
		fail("checkpoint body %q is not origin, size, root", n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		fail("checkpoint size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint root %q", lines[2])
	}
	var c checkpoint
	c.size = size
	copy(c.root[:], raw)
	return c
}

func get(url string, out interface{}) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		fail("GET %s: status %d", url, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			fail("GET %s: %v", url, err)
		}
	}
	return body
}

func hashOf(s string) tlog.Hash {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		fail("bad hash %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		out[i] = hashOf(s)
	}
	return out
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: receipt_verify BASE_URL VKEY RECEIPT.json...")
	}
	base := strings.TrimRight(os.Args[1], "/")
	v, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fail("pinned key: %v", err)
	}
	now := open(string(get(base+"/api/v1/log/checkpoint", nil)), v)
	for _, file := range os.Args[3:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fail("%s: %v", file, err)
		}
		var answer struct {
			ID      string `json:"id"`
			Receipt struct {
				LeafIndex  int64    `json:"leaf_index"`
				LeafHash   string   `json:"leaf_hash"`
				Proof      []string `json:"inclusion_proof"`
				Checkpoint string   `json:"checkpoint"`
			} `json:"receipt"`
		}
		if err := json.Unmarshal(data, &answer); err != nil || answer.Receipt.Checkpoint == "" {
			fail("%s: not a receipt: %v", file, err)
		}
		r := answer.Receipt
		cp := open(r.Checkpoint, v)
		var entries struct {
			Entries []struct {
				Index int64  `json:"index"`
				Entry string `json:"entry"`
			} `json:"entries"`
		}
		get(fmt.Sprintf("%s/api/v1/log/entries?start=%d&end=%d", base, r.LeafIndex, r.LeafIndex+1), &entries)
		if len(entries.Entries) != 1 || entries.Entries[0].Index != r.LeafIndex {
			fail("%s: the log has no entry %d", file, r.LeafIndex)
		}
		raw, err := base64.StdEncoding.DecodeString(entries.Entries[0].Entry)
		if err != nil {
			fail("%s: entry %d is not base64", file, r.LeafIndex)
		}
		leaf := hashOf(r.LeafHash)
		if tlog.RecordHash(raw) != leaf {
			fail("%s: entry %d does not hash to the receipt's leaf hash", file, r.LeafIndex)
		}
		if err := tlog.CheckRecord(hashes(r.Proof), cp.size, cp.root, r.LeafIndex, leaf); err != nil {
			fail("%s: inclusion proof: %v", file, err)
		}
		if cp.size > now.size {
			fail("%s: the receipt's tree (%d) is larger than the log's (%d): the log lost entries", file, cp.size, now.size)
		}
		var cons struct {
			Proof []string `json:"proof"`
		}
		get(fmt.Sprintf("%s/api/v1/log/proof/consistency?from=%d&to=%d", base, cp.size, now.size), &cons)
		if err := tlog.CheckTree(hashes(cons.Proof), now.size, now.root, cp.size, cp.root); err != nil {
			fail("%s: the current checkpoint (%d) is not consistent with the receipt's (%d): %v", file, now.size, cp.size, err)
		}
		fmt.Printf("ok %s: response %s, leaf %d in tree %d, consistent with tree %d\n", file, answer.ID, r.LeafIndex, cp.size, now.size)
	}
}
