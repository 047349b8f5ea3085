// ledger_verify checks a ledger written by Agora's C code (tests/interop/ledger_gen.c) with Go's
// independent implementation, golang.org/x/mod/sumdb/note and sumdb/tlog:
//
//	ledger_verify DIR
//
// DIR holds vkey, checkpoint (a signed note), tile/... (C2SP tlog-tiles) and proofs.txt. It checks
// the checkpoint's signature with note.Open, that the signed root is the root Go computes from the
// entries alone, every tile's path with tlog.ParseTilePath, its size and its every hash against
// Go's own tree, the tree's root by reading the tiles through tlog.TileHashReader (which checks every tile
// it reads against the signed root), each root in proofs.txt against tlog.TreeHash, and every
// inclusion and consistency proof with tlog.CheckRecord and tlog.CheckTree and against the proofs
// Go makes itself (tlog.ProveRecord, tlog.ProveTree). Leaf i is tlog.RecordHash("entry-<i>").
// It prints "ok ..." and exits 0 when all of it holds, and exits 1 at the first failure.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "ledger_verify: "+format+"\n", args...)
	os.Exit(1)
}

// tiles reads the C2SP layout: tile/L/N..., which is Go's tile/8/L/N... without the height.
type tiles struct{ dir string }

func (t tiles) Height() int { return 8 }

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		p := "tile/" + strings.TrimPrefix(tile.Path(), "tile/8/")
		data, err := os.ReadFile(filepath.Join(t.dir, p))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles(ts []tlog.Tile, data [][]byte) {}

func hash(s string) tlog.Hash {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		fail("bad hash %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func num(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fail("bad number %q", s)
	}
	return n
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: ledger_verify DIR")
	}
	dir := os.Args[1]
	vkey, err := os.ReadFile(filepath.Join(dir, "vkey"))
	if err != nil {
		fail("%v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint: note.Open: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint: bad body %q", n.Text)
	}
	size := num(lines[1])
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint: bad size or root %q", n.Text)
	}
	var root tlog.Hash
	copy(root[:], rootBytes)
	fmt.Printf("ok checkpoint signature by %s: size %d\n", verifier.Name(), size)

	// Go's own tree from the entries alone: levels[l][i] is the hash of the complete subtree
	// of 2^l leaves at index i. Every tile file must hold exactly these hashes.
	levels := [][]tlog.Hash{make([]tlog.Hash, size)}
	for i := int64(0); i < size; i++ {
		levels[0][i] = tlog.RecordHash([]byte(fmt.Sprintf("entry-%d", i)))
	}
	for l := 0; len(levels[l]) > 1; l++ {
		next := make([]tlog.Hash, len(levels[l])/2)
		for i := range next {
			next[i] = tlog.NodeHash(levels[l][2*i], levels[l][2*i+1])
		}
		levels = append(levels, next)
	}
	var mth func(lo, hi int64) tlog.Hash
	mth = func(lo, hi int64) tlog.Hash {
		n := hi - lo
		if n&(n-1) == 0 {
			l := 0
			for int64(1)<<l < n {
				l++
			}
			return levels[l][lo>>l]
		}
		k := int64(1)
		for k<<1 < n {
			k <<= 1
		}
		return tlog.NodeHash(mth(lo, lo+k), mth(lo+k, hi))
	}
	if mth(0, size) != root {
		fail("the signed root is not the root of the entries")
	}
	fmt.Printf("ok the signed root is the root of the %d entries\n", size)

	// Every tile file is named as tlog-tiles says, is as long as its width, and holds the
	// hashes of Go's own tree (superseded partial tiles included).
	count := 0
	err = filepath.Walk(filepath.Join(dir, "tile"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		goPath := "tile/8/" + strings.TrimPrefix(rel, "tile/")
		tile, err := tlog.ParseTilePath(goPath)
		if err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		if tile.Path() != goPath {
			return fmt.Errorf("%s: not canonical (%s)", rel, tile.Path())
		}
		if info.Size() != int64(tile.W)*tlog.HashSize {
			return fmt.Errorf("%s: %d bytes for width %d", rel, info.Size(), tile.W)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lv := tile.L * tile.H
		for j := 0; j < tile.W; j++ {
			x := tile.N<<uint(tile.H) + int64(j)
			if lv >= len(levels) || x >= int64(len(levels[lv])) ||
				string(data[j*tlog.HashSize:(j+1)*tlog.HashSize]) != string(levels[lv][x][:]) {
				return fmt.Errorf("%s: hash %d is not Go's", rel, j)
			}
		}
		count++
		return nil
	})
	if err != nil {
		fail("tiles: %v", err)
	}
	fmt.Printf("ok %d tile paths parse with tlog.ParseTilePath and hold Go's hashes\n", count)

	// TileHashReader checks each tile it reads against the signed root.
	thr := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tiles{dir})
	th, err := tlog.TreeHash(size, thr)
	if err != nil || th != root {
		fail("tree hash from the tiles: %v (%v, want %v)", err, th, root)
	}
	fmt.Printf("ok the tiles give the signed root\n")

	f, err := os.Open(filepath.Join(dir, "proofs.txt"))
	if err != nil {
		fail("%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	incl, cons := 0, 0
	for sc.Scan() {
		w := strings.Fields(sc.Text())
		switch {
		case len(w) >= 4 && w[0] == "inclusion":
			i, s, r := num(w[1]), num(w[2]), hash(w[3])
			var proof tlog.RecordProof
			for _, h := range w[4:] {
				proof = append(proof, hash(h))
			}
			if gr, err := tlog.TreeHash(s, thr); err != nil || gr != r {
				fail("root of %d: %v", s, err)
			}
			leaf := tlog.RecordHash([]byte(fmt.Sprintf("entry-%d", i)))
			if err := tlog.CheckRecord(proof, s, r, i, leaf); err != nil {
				fail("inclusion %d in %d: %v", i, s, err)
			}
			gp, err := tlog.ProveRecord(s, i, thr)
			if err != nil || fmt.Sprint(gp) != fmt.Sprint(proof) {
				fail("inclusion %d in %d differs from Go's proof (%v)", i, s, err)
			}
			incl++
		case len(w) >= 5 && w[0] == "consistency":
			from, to, fr, tr := num(w[1]), num(w[2]), hash(w[3]), hash(w[4])
			var proof tlog.TreeProof
			for _, h := range w[5:] {
				proof = append(proof, hash(h))
			}
			if gr, err := tlog.TreeHash(from, thr); err != nil || gr != fr {
				fail("root of %d: %v", from, err)
			}
			if err := tlog.CheckTree(proof, to, tr, from, fr); err != nil {
				fail("consistency %d to %d: %v", from, to, err)
			}
			gp, err := tlog.ProveTree(to, from, thr)
			if err != nil || fmt.Sprint(gp) != fmt.Sprint(proof) {
				fail("consistency %d to %d differs from Go's proof (%v)", from, to, err)
			}
			cons++
		default:
			fail("bad line %q", sc.Text())
		}
	}
	if incl == 0 || cons == 0 {
		fail("no proofs")
	}
	fmt.Printf("ok %d inclusion and %d consistency proofs verify and equal Go's\n", incl, cons)
}
