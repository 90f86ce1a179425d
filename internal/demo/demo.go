// Package demo ships Keiretsu's demo dataset: a few hundred native records modelled
// on the public structure of the Huawei, ZTE, Hikvision, Dahua and Hytera groups,
// clean suppliers and a dozen products with multi-level bills of materials (see
// README.md in this folder for the story each product tells).
package demo

import _ "embed"

// JSONL is the demo dataset in the native format.
//
//go:embed demo.jsonl
var JSONL []byte

// Name is the file name used in messages about the dataset.
const Name = "demo.jsonl"
