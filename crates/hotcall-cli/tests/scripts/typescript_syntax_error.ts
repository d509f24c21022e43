// @exit: 1
let x: number = ;
