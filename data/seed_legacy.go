package data

// DeriveSeed (legacy, to be replaced by StreamSeed) derives the 32-bit seed of one random stream of a run from the
// run's seed, a purpose string and an index (for example the batch column),
// so that one run seed fixes every stream and distinct streams are
// statistically independent. Purposes used in this project: "train-task"
// (index = batch column), "weights", "network-noise", "test-task",
// "test-noise".
//
// The hash, reproducible in any language with 64-bit unsigned arithmetic:
//
//	h := fnv1a64(purpose)                  // FNV-1a, offset 0xcbf29ce484222325, prime 0x100000001b3
//	x := splitmix64(uint64(runSeed) ^ 0x9e3779b97f4a7c15)
//	x  = splitmix64(x ^ h)
//	x  = splitmix64(x ^ uint64(int64(index)))
//	return uint32(x >> 32)
//
// where splitmix64(z) = z += 0x9e3779b97f4a7c15; z = (z^(z>>30))*0xbf58476d1ce4e5b9;
// z = (z^(z>>27))*0x94d049bb133111eb; return z^(z>>31).
func DeriveSeed(runSeed int64, purpose string, index int) uint32 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(purpose); i++ {
		h ^= uint64(purpose[i])
		h *= 0x100000001b3
	}
	x := splitmix64(uint64(runSeed) ^ 0x9e3779b97f4a7c15)
	x = splitmix64(x ^ h)
	x = splitmix64(x ^ uint64(int64(index)))
	return uint32(x >> 32)
}

func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
