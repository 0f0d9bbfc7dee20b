import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: 30,
  },
  path: {
    fill: '#7df3e1',
  },
  text: {
    fill: '#7df3e1',
    fontFamily: 'Helvetica, Arial, sans-serif',
    fontSize: 20,
    fontWeight: 700,
  },
});

/** Slipway's mark followed by its name. */
export const LogoFull = () => {
  const classes = useStyles();

  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 110 24"
      role="img"
      aria-label="Slipway"
    >
      <path className={classes.path} d="M11 3 5 12h6z" />
      <path className={classes.path} d="M12.5 5v7H17z" />
      <path className={classes.path} d="M3 13.5h18L18 18H6z" />
      <path className={classes.path} d="M2 20h20v1.5H2z" />
      <text className={classes.text} x="28" y="19">
        Slipway
      </text>
    </svg>
  );
};
