// Package fileio is the project's one implementation of the two kinds of
// file handling that every package needs: writing a file atomically
// (WriteFile), and reading and writing NumPy's .npy and .npz formats
// (ReadNPY, WriteNPY, NPZReader, NPZWriter).
//
// Atomic writes: a file is written to a temporary name in its directory,
// flushed, fsynced, renamed over the target and the directory fsynced, so
// a reader sees either the old file or the complete new one, never a part;
// on any error, and when the writing function panics, the temporary file
// is removed.
//
// NumPy formats follow the specification of numpy.lib.format (format
// versions 1.0, 2.0 and 3.0). The reader is written for files from
// outside: it never panics, caps the header at MaxHeaderLen bytes (NumPy's
// own default limit), checks every declared shape against the bytes that
// the file (or the zip member) actually holds before it allocates, and
// returns errors that name the member and what is wrong. The writer
// produces C-order, little-endian arrays with NumPy's own header layout
// (padded to 64 bytes), for every shape including empty ones and scalars,
// and can stream an array into an .npz member in pieces (NPZWriter.Create)
// so that arrays larger than memory can be written.
package fileio
