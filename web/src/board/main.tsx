import { render } from 'preact';
import { Board } from './Board';
import './board.css';

render(<Board />, document.getElementById('board')!);
