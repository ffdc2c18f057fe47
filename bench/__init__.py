"""Benchmarks for notesift: synthetic note trees and a latency/memory runner."""
