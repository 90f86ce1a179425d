// Package fastpath writes the answers of the busiest GraphQL operations, the
// screenings that procurement tools send in bulk, without gqlgen's executor,
// which marshals every element of an object list (regime results, findings,
// hops) in a goroutine of its own and costs more than the screening itself.
//
// It is a derived layer, never a parallel one. Wrap returns an executable
// schema that the server hands to handler.New in place of the generated one:
// the executor calls its Exec inside every operation and response hook (each
// AroundOperations and AroundResponses extension, the error presenter, the
// recover func), exactly where it would call the generated schema's Exec, so
// those hooks see every operation of both paths. What the fast path answers is
// the operation whose only root field is screenProduct, screenEntity or
// screenProducts, with plain values as arguments and a plain selection (fields
// and aliases only: no fragments, directives, arguments or repeated response
// names) of fields it writes; for anything else Exec is the generated one.
//
// Invariants.
//   - Same bytes: the answer is the one the executor writes, byte for byte (a
//     test compares them on a generated world): the root field is resolved by
//     calling the same generated QueryResolver method with the same field
//     context, and every value is written with the marshaler gqlgen's generated
//     code uses, in selection order.
//   - Same hooks: operation and response hooks run on both paths (above). An
//     error, a value the executor reports as an error (a NaN float) or a panic
//     leaves the operation to the generated Exec, which answers it as before
//     (its recover func reporting a panic that recurs). Field interceptors
//     (AroundRootFields, AroundFields) do not run on the fast path: the server
//     installs none.
//   - Only plain fields: the table of the fields the fast path writes is
//     checked at start-up against the executable schema: every field must exist
//     with the type the writer expects, take no arguments and have no resolver
//     (a field with a resolver reads the graph, which only the executor does);
//     Wrap refuses the table otherwise.
package fastpath
