package service

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/keiretsu/keiretsu/internal/model"
	"github.com/keiretsu/keiretsu/internal/persist"
	"github.com/keiretsu/keiretsu/internal/projection"
	"github.com/keiretsu/keiretsu/internal/search"
)

// Where a Service's first view came from (Service.Source).
const (
	SourceStore = "store" // built from every stored record
	SourceFile  = "file"  // read from the projection file
)

// saveImage writes the image of a snapshot and its search index to path.
func saveImage(path string, snap *projection.Snapshot, idx *search.Index) error {
	return persist.Save(path, snap.Version(), func(w *persist.Writer) error {
		snap.WriteImage(w)
		idx.WriteImage(w)
		return w.Err()
	})
}

// loadImage reads the image at path if it was built from dataVersion version.
func loadImage(path string, version model.Hash) (*projection.Snapshot, *search.Index, error) {
	r, err := persist.Load(path, version)
	if err != nil {
		return nil, nil, err
	}
	snap, err := projection.ReadImage(r, version)
	if err != nil {
		return nil, nil, err
	}
	idx, err := search.ReadImage(r)
	if err != nil {
		return nil, nil, err
	}
	if err := r.End(); err != nil {
		return nil, nil, err
	}
	return snap, idx, nil
}

// openImage makes the projection file's image current when it was built from
// the store's current dataVersion. An error reading the store is storeErr
// (the service cannot open), one of the file fileErr (it builds from the
// store instead).
func (s *Service) openImage(ctx context.Context) (storeErr, fileErr error) {
	start := time.Now()
	// The position is read before the version: should a commit land between
	// the two, a follower applies its changes again, which changes nothing.
	pos, err := s.st.Position(ctx)
	if err != nil {
		return err, nil
	}
	version, err := s.st.Version(ctx)
	if err != nil {
		return err, nil
	}
	snap, idx, err := loadImage(s.opt.ProjectionFile, version)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.install(snap, idx, nil); err != nil {
		return err, nil // the regimes stored with the data do not parse
	}
	s.pos = pos
	st := snap.Stats()
	s.opt.Log.Info().Str("store", s.st.Describe()).Str("data_version", version.String()).
		Str("source", SourceFile).Str("file", s.opt.ProjectionFile).
		Int("entities", st.Entities).Int("products", st.Products).Int("edges", st.Edges()).
		Dur("took", time.Since(start)).Msg("projection loaded")
	return nil, nil
}

// open makes the first view current: from the projection file when it holds
// the store's current dataVersion, else built from the store.
func (s *Service) open(ctx context.Context) error {
	if s.opt.ProjectionFile == "" {
		return s.Reload(ctx)
	}
	storeErr, err := s.openImage(ctx)
	if storeErr != nil {
		return storeErr
	}
	if err == nil {
		s.source = SourceFile
		s.startWriter(s.View().eng.Snapshot().Version())
		return nil
	}
	// A missing file (the first start) and a stale one (the data changed
	// since it was written) are the normal course; a damaged one is worth a
	// warning.
	ev := s.opt.Log.Warn()
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, persist.ErrStale) {
		ev = s.opt.Log.Info()
	}
	ev.Err(err).Str("file", s.opt.ProjectionFile).Msg("projection file not used: building the projection from the store")
	if err := s.Reload(ctx); err != nil {
		return err
	}
	s.source = SourceStore
	s.startWriter(model.Hash{})
	s.kickWriter()
	return nil
}

// Source says where the service's first view came from: SourceFile or
// SourceStore.
func (s *Service) Source() string { return s.source }

// ImagesWritten is how many times the service wrote its projection file.
func (s *Service) ImagesWritten() int { return int(s.imgWrites.Load()) }

// startWriter starts the goroutine that writes the projection file whenever
// the current view changes; saved is the dataVersion the file holds already
// (zero for none).
func (s *Service) startWriter(saved model.Hash) {
	s.imgKick = make(chan struct{}, 1)
	s.imgStop = make(chan struct{})
	s.imgDone = make(chan struct{})
	go s.writeImages(saved)
}

// kickWriter asks the writer, if any, to write the current view.
func (s *Service) kickWriter() {
	if s.imgKick == nil {
		return
	}
	select {
	case s.imgKick <- struct{}{}:
	default:
	}
}

// writeImages writes the current view's image when kicked, off the request
// path, then rests ten times as long as the write took, so that a store
// changing every few seconds costs at most a tenth of one core's time in
// writes (kicks during the rest are one write after it). On Close it writes
// the current view once more if the file does not hold it yet.
func (s *Service) writeImages(saved model.Hash) {
	defer close(s.imgDone)
	save := func() time.Duration {
		v := s.View()
		snap := v.eng.Snapshot()
		if snap.Version() == saved {
			return 0
		}
		start := time.Now()
		if err := saveImage(s.opt.ProjectionFile, snap, v.index); err != nil {
			s.opt.Log.Warn().Err(err).Str("file", s.opt.ProjectionFile).Msg("projection file not written")
			return time.Since(start)
		}
		saved = snap.Version()
		s.imgWrites.Add(1)
		ev := s.opt.Log.Info().Str("file", s.opt.ProjectionFile).Str("data_version", saved.String())
		if fi, err := os.Stat(s.opt.ProjectionFile); err == nil {
			ev = ev.Int64("bytes", fi.Size())
		}
		ev.Dur("took", time.Since(start)).Msg("projection file written")
		return time.Since(start)
	}
	for {
		select {
		case <-s.imgKick:
		case <-s.imgStop:
			save()
			return
		}
		rest := time.NewTimer(10 * save())
		select {
		case <-rest.C:
		case <-s.imgStop:
			rest.Stop()
			save()
			return
		}
	}
}

// Close stops the service's background work: the writer of the projection
// file finishes a write in progress and writes the current view if the file
// does not hold it yet. It does not close the store.
func (s *Service) Close() error {
	if s.imgStop == nil {
		return nil
	}
	s.closeOnce.Do(func() { close(s.imgStop) })
	<-s.imgDone
	return nil
}

// projectionFileError explains why a projection file cannot be used: nil
// when the file at path holds an image of version.
func projectionFileError(path string, version model.Hash) error {
	_, _, err := loadImage(path, version)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
